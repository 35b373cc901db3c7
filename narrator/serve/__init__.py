"""``narrator serve``: an HTTP API for newsroom systems and a web page for editors.

The app (:mod:`narrator.serve.app`) answers ``/v1`` requests, keeps jobs in SQLite
(:mod:`narrator.serve.jobs`) and runs them on worker threads
(:mod:`narrator.serve.worker`) through :func:`narrator.pipeline.produce`. Its web page
lives in ``static/`` as plain HTML, CSS and JavaScript. FastAPI and uvicorn are the
``narrator[serve]`` extra, imported only by this package.
"""
