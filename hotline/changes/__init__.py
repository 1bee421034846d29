"""The write layer: each change and its event, in one transaction."""
