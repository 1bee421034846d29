"""Every table, as typed SQLAlchemy 2 models, in one package (see docs/design.md, "Domain").

`from hotline.models import X` finds any of them, and `public_fields` (public.py),
the one list of what anyone may know about a call. Relationships across these
files name their target by string, so no file here imports another but domain.
"""

from .areas import *  # noqa: F403
from .categories import *  # noqa: F403
from .crew import *  # noqa: F403
from .cue import *  # noqa: F403
from .domain import *  # noqa: F403
from .factors import *  # noqa: F403
from .lockout import *  # noqa: F403
from .messages import *  # noqa: F403
from .milestones import *  # noqa: F403
from .notfixed import *  # noqa: F403
from .notifications import *  # noqa: F403
from .pledges import *  # noqa: F403
from .public import *  # noqa: F403
from .radar import *  # noqa: F403
from .ratings import *  # noqa: F403
from .replies import *  # noqa: F403
from .system import *  # noqa: F403
from .tally import *  # noqa: F403
from .tokens import *  # noqa: F403
from .topics import *  # noqa: F403
from .versions import *  # noqa: F403
from .votes import *  # noqa: F403
from .wall import *  # noqa: F403
from .webhooks import *  # noqa: F403
