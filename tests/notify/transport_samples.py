"""The message the sample payloads in ``notify/transports/<kind>/samples/`` were rendered from,
and a loader for those files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fixfirst.notify import transports
from fixfirst.notify.transports.message import Message

SAMPLE = Message(
    title="Major incident INC-1042: Core switch down",
    text="All engineers are paged. Incident commander: Mia Manager. Updates every 30 minutes.",
    link="https://fixfirst.example/incidents/1042/war-room/",
    link_label="Open the war room",
    urgent=True,
    facts=(("Customer", "Alpha Corp"), ("Priority", "P1 – critical"), ("Commander", "Mia Manager")),
)


def sample(kind: str, name: str) -> Any:
    path = Path(transports.__file__).parent / kind / "samples" / name
    return json.loads(path.read_text(encoding="utf-8"))
