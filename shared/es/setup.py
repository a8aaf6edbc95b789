"""`python -m shared.es.setup`: create the index template, the first index and the alias if missing."""

from shared.es.client import make_client
from shared.es.index import ensure_index

if __name__ == "__main__":
    print(f"index alias ready: {ensure_index(make_client())}")
