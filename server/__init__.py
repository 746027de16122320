"""The homs-kg service: its settings and command line, and the Flask app serving the graph."""
