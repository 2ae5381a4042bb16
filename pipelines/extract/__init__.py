"""Extract stage: HTML to main-content text."""
