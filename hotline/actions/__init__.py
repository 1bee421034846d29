"""The request cycles the pages and the API share."""
