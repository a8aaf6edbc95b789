"""Entry point: `python -m services.webhooks`, the deliverer of topic webhooks (one process; supervised like the indexer)."""

import os
import sys

# One process: its metrics live in its own registry, beside the collectors read from Redis at scrape time, rather
# than in the multiprocess files a launcher may have configured (prometheus_client reads this when first imported).
os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)

from services.webhooks.app import main  # after the environment is settled

sys.exit(main())
