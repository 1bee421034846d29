"""Entry point: `python wsgi.py` serves the site with live updates.

The async server is chosen by HOTLINE_ASYNC_MODE (eventlet by default; gevent
and threading also work). Eventlet and gevent must patch the standard library
before anything else is imported.
"""

import os
import warnings

mode = os.environ.get("HOTLINE_ASYNC_MODE", "eventlet")
if mode == "eventlet":
    # Eventlet is in maintenance mode; we chose it knowingly (gevent and
    # threading are one setting away), so its import-time notice is noise.
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
    import eventlet

    eventlet.monkey_patch()
elif mode == "gevent":
    from gevent import monkey

    monkey.patch_all()

from hotline import create_app  # noqa: E402
from hotline.extensions import socketio  # noqa: E402

app = create_app()

if __name__ == "__main__":
    host = os.environ.get("HOTLINE_HOST", "127.0.0.1")
    port = int(os.environ.get("HOTLINE_PORT", "5000"))
    print(f"Hotline on http://{host}:{port}/ (async mode: {mode})", flush=True)
    socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=(mode == "threading"))
