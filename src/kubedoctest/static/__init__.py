"""static: strict schema validation on a matrix of Kubernetes versions (custom resources against
their CRDs), removed and deprecated APIs, the formats the API server checks."""
