"""Langid stage: normalisation (NFC, zero-width, Zawgyi), fastText language ID and the close-pair second stage."""
