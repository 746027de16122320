"""Query evaluation, with no Flask: jobs, worker processes, result writers, formats, the
SPARQL reader, federation."""
