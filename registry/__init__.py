"""The registry service: storage, search, the JSON API and the command line."""
