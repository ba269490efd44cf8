"""Network play: students' laptops join one hosted exercise over SSH or a browser.

One asyncio loop holds the game and one Textual app per connection; each app is bound
to one viewer (a party's seat, the projector's ``public`` view, the facilitator) and
draws through a small driver onto its connection. The modules, from the bottom up:

* :mod:`~exercise.host.codes`: join codes, the codes file, the wrong-code limiter;
* :mod:`~exercise.host.driver`: the terminal and driver of one connection, and what a
  seat's app may not do on the host;
* :mod:`~exercise.host.seats`: one live connection per viewer (the newest wins), caps,
  crash isolation, joined/left notices;
* :mod:`~exercise.host.ssh` and :mod:`~exercise.host.web`: the two transports;
* :mod:`~exercise.host.server`: :class:`~exercise.host.server.Host`, which starts both.

Importing this package, its codes or its server starts and loads nothing heavy: Textual,
asyncssh and aiohttp come in when a host is made and started.
"""
