"""Build the homs-kg RDF dataset from sources and annotations."""
