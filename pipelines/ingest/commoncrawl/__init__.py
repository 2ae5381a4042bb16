"""Common Crawl at scale: crawl listings, the columnar index, byte-range fetches and work lists."""
