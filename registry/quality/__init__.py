"""Metadata quality: the data.europa.eu MQA points for every record."""
