"""A browser tab without the browser: Streamlit's WebSocket protocol, no rendering.

`LightTab` opens `/_stcore/stream` as Streamlit's own front end does and
speaks its protobuf messages (`BackMsg` up, `ForwardMsg` down): it asks for
a page with a query string, keeps each widget's id from the elements the
server sends, moves a widget or presses a button by sending the widget
states with a rerun request, and honours the server's `auto_rerun`
requests (an `st.fragment(run_every=...)`, which a browser reruns on its
timer). It draws nothing, so one process can hold dozens of tabs without
taking the CPU that the server under test needs, which is what a load test
of the server must measure.

Each request is timed from sending it to the server's `script_finished`:
with no rendering and a loopback socket, that is the server's own time for
the script run (its queueing included). Exceptions the page shows are
counted as errors with their message.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field
from typing import Any

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

FINISHED = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}
EARLY = ForwardMsg.FINISHED_EARLY_FOR_RERUN


@dataclass
class Timing:
    kind: str      # "open", "slider", "page", "train", "fragment", ...
    seconds: float
    ok: bool


@dataclass
class LightTab:
    """One browser tab on `base_url` (e.g. `http://127.0.0.1:8501`)."""

    base_url: str
    timings: list[Timing] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    widgets: dict[str, Any] = field(default_factory=dict)   # id -> element proto
    states: dict[str, WidgetState] = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=dict)     # url path -> script hash
    page_hash: str = ""
    query: str = ""
    _socket: Any = None
    _done: asyncio.Event | None = None
    _status: int | None = None
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _fragments: dict[str, asyncio.Task] = field(default_factory=dict)
    _reader: asyncio.Task | None = None

    async def open(self, path: str = "", query: str = "", timeout: float = 120) -> float:
        """Connects and runs the page at `path?query`; returns its seconds."""
        url = self.base_url.replace("http", "ws", 1) + "/_stcore/stream"
        self._socket = await websockets.connect(url, subprotocols=["streamlit"],
                                                max_size=None, open_timeout=timeout)
        self._reader = asyncio.create_task(self._read())
        self.query = query
        return await self._rerun("open", timeout, page_name=path)

    async def close(self) -> None:
        for task in self._fragments.values():
            task.cancel()
        if self._socket is not None:
            await self._socket.close()
        if self._reader is not None:
            self._reader.cancel()

    def widget_id(self, key: str) -> str:
        """The id of the widget made with `key=` on the page now shown."""
        # Keys made by `state.key` end in the experiment's revision (`__r3`).
        pattern = re.compile(rf"-{re.escape(key)}(__r\d+)?$")
        for widget_id in reversed(list(self.widgets)):
            if pattern.search(widget_id):
                return widget_id
        raise KeyError(f"No widget with key {key!r} on this page; keys seen: "
                       f"{sorted(w.rsplit('-', 1)[-1] for w in self.widgets)}")

    async def set_value(self, key: str, value: Any, value_type: str,
                        kind: str = "slider", timeout: float = 120) -> float:
        """Sets the widget `key` to `value` and waits for the rerun.

        `value_type` is the `WidgetState` field the widget reads, as its
        Streamlit source registers it: `string_array_value` for a select
        slider (the options' labels), `double_array_value` for a slider,
        `double_value` for a number input, `bool_value` for a checkbox.
        """
        state = WidgetState(id=self.widget_id(key))
        if value_type.endswith("_array_value"):
            getattr(state, value_type).data.extend(value)
        else:
            setattr(state, value_type, value)
        self.states[state.id] = state
        return await self._rerun(kind, timeout)

    async def click(self, key: str, kind: str = "button", timeout: float = 120) -> float:
        """Presses the button `key` (a trigger: sent once) and waits for the rerun."""
        trigger = WidgetState(id=self.widget_id(key), trigger_value=True)
        return await self._rerun(kind, timeout, once=[trigger])

    async def goto(self, path: str, timeout: float = 120) -> float:
        """Opens another page of the app, as its navigation link does."""
        self.page_hash = self.pages[path]
        self.widgets.clear()
        self.states.clear()  # a browser sends only the widgets of the page it shows
        return await self._rerun("page", timeout)

    # -- protocol ------------------------------------------------------------------

    async def _rerun(self, kind: str, timeout: float, page_name: str = "",
                     once: list[WidgetState] = (), fragment: str = "") -> float:
        async with self._lock:
            message = BackMsg()
            client = message.rerun_script
            client.query_string = self.query
            client.page_script_hash = self.page_hash
            client.page_name = page_name
            client.widget_states.widgets.extend([*self.states.values(), *once])
            if fragment:
                client.fragment_id = fragment
                client.is_auto_rerun = True
            self._done, self._status = asyncio.Event(), None
            started = time.perf_counter()
            await self._socket.send(message.SerializeToString())
            try:
                await asyncio.wait_for(self._done.wait(), timeout)
                ok = self._status in FINISHED
            except asyncio.TimeoutError:
                ok = False
                self.errors.append(f"{kind}: no script_finished within {timeout:.0f} s")
            seconds = time.perf_counter() - started
            self.timings.append(Timing(kind, seconds, ok))
            return seconds

    async def _read(self) -> None:
        try:
            async for data in self._socket:
                message = ForwardMsg()
                message.ParseFromString(data)
                self._receive(message)
        except (websockets.ConnectionClosed, asyncio.CancelledError):
            pass

    def _receive(self, message: ForwardMsg) -> None:
        kind = message.WhichOneof("type")
        if kind == "navigation":
            self.pages = {page.url_pathname: page.page_script_hash
                          for page in message.navigation.app_pages}
            self.page_hash = message.navigation.page_script_hash
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            element = message.delta.new_element
            inner = getattr(element, element.WhichOneof("type") or "empty")
            if element.WhichOneof("type") == "exception":
                self.errors.append(f"{inner.type}: {inner.message}")
            widget_id = getattr(inner, "id", "")
            if widget_id.startswith("$$ID"):
                self.widgets[widget_id] = inner
        elif kind == "script_finished":
            if message.script_finished != EARLY and self._done is not None:
                self._status = message.script_finished
                self._done.set()
        elif kind == "auto_rerun":
            fragment = message.auto_rerun.fragment_id
            if fragment not in self._fragments:
                self._fragments[fragment] = asyncio.create_task(
                    self._auto_rerun(fragment, message.auto_rerun.interval))
        elif kind == "stop_auto_rerun":
            task = self._fragments.pop(message.stop_auto_rerun.fragment_id, None)
            if task is not None:
                task.cancel()

    async def _auto_rerun(self, fragment: str, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            await self._rerun("fragment", 120, fragment=fragment)
