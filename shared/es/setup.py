"""`python -m shared.es.setup`: create the index template, the first index, the alias and the suggestions' index
(filled from the articles when it is the one missing: shared/es/suggestions.py) if missing.

An index made by an older field table that cannot take the new one in place (a changed analyzer, a removed field) is
rolled forward here, behind the alias (shared/es/migrate.py): `make up` runs this before any worker starts.
"""

import logging

from shared.es.client import make_client
from shared.es.index import MappingOutdated, ensure_index
from shared.es.migrate import migrate

if __name__ == "__main__":
    logging.basicConfig(level="INFO", format="%(message)s")
    client = make_client()
    try:
        alias = ensure_index(client)
    except MappingOutdated as outdated:
        logging.info("%s: migrating now", outdated)
        migrate(client)
        alias = ensure_index(client)
    print(f"index alias ready: {alias}")
