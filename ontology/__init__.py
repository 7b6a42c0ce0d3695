"""The kg ontology files (kg.ttl, cameo.ttl, shapes.ttl), installed as the package kg.ontology."""
