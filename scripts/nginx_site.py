"""Print config/nginx-site.conf.template with its ${EVIDENCE_*} filled in from the environment
(as the nginx image's templates/ mechanism does in docker-compose.yml); nginx's own $variables stay."""

import os
import re
import sys
from pathlib import Path

template = Path(__file__).resolve().parent.parent / "config" / "nginx-site.conf.template"
sys.stdout.write(re.sub(r"\$\{(EVIDENCE_\w+)\}", lambda found: os.environ[found[1]], template.read_text()))
