"""Harvesters: gather remote items (I/O) and transform them into records (pure). See base.py."""
