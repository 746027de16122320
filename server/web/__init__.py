"""The HTTP layer's own pieces: errors, headers, client limits, the WSGI server."""
