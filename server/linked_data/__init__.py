"""Dereferencing the minted IRIs (Cool URIs, 303) and their RDF documents."""
