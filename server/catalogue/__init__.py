"""The researchers' query catalogue and the query UI."""
