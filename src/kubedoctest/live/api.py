"""A thin, thread-safe layer over the kubernetes dynamic client: create, apply, wait, delete.

Every request has a timeout; the discovery cache and the client's certificate files live in the
run's own folder (removed with it); a cancelled run stops its waits at the next poll.

A little over 250 lines, and one job: each verb is a few lines around the same error and
cancellation handling, which a split would have to share.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import urllib3
from kubernetes import client as kube_client
from kubernetes.client.exceptions import ApiException
from kubernetes.dynamic import DynamicClient
from kubernetes.dynamic.exceptions import ResourceNotFoundError

from ..kubeclient import api_client
from . import signals

FIELD_MANAGER = "kubedoctest"
REQUEST_TIMEOUT = 30.0
Obj = dict[str, Any]
_NETWORK = (urllib3.exceptions.HTTPError, OSError)


@dataclass
class ApiError(Exception):
    """An API server refusal (or no answer): its message and the fields it names."""

    status: int
    message: str
    fields: list[str]
    reason: str = ""

    def __str__(self) -> str:
        return self.message


class Cancelled(BaseException):
    """The run is stopping (a signal): a page's thread gives up at its next request."""


def _api_error(e: ApiException) -> ApiError:
    try:
        body = json.loads(e.body or "{}")
    except ValueError:
        body = {}
    message = body.get("message") or e.reason or str(e)
    causes = (body.get("details") or {}).get("causes") or []
    fields = [c["field"] for c in causes if c.get("field")]
    return ApiError(e.status or 0, message, fields, body.get("reason", ""))


def _client(kubeconfig: Path, folder: Path, pool: int) -> kube_client.ApiClient:
    return api_client(kubeconfig, folder, pool=pool, retries=1)


class Api:
    def __init__(
        self,
        kubeconfig: Path,
        folder: Path,
        pool: int = 8,
        cancelled: threading.Event | None = None,
        stops_on_signal: bool = True,  # False for the teardown's own client
    ):
        self.stops_on_signal = stops_on_signal
        self.client = _client(kubeconfig, folder, pool)
        self.dynamic = DynamicClient(self.client, cache_file=str(folder / "discovery.json"))
        self.cancelled = cancelled or threading.Event()
        self._lock = threading.Lock()
        self._resources: dict[tuple[str, str], Any] = {}

    def _check(self) -> None:
        if self.cancelled.is_set() or (self.stops_on_signal and signals.stop_requested()):
            raise Cancelled()

    def resource(self, api_version: str, kind: str) -> Any:
        self._check()
        key = (api_version, kind)
        with self._lock:
            if key not in self._resources:
                try:
                    self._resources[key] = self.dynamic.resources.get(api_version=api_version, kind=kind)
                except ResourceNotFoundError:
                    self.dynamic.resources.invalidate_cache()  # a CRD may just have been established
                    try:
                        self._resources[key] = self.dynamic.resources.get(api_version=api_version, kind=kind)
                    except ResourceNotFoundError:
                        raise ApiError(404, f"the server does not serve {api_version} {kind}", [], "NotFound") from None
                except ApiException as e:
                    raise ApiError(
                        e.status or 0, f"discovery of {api_version} {kind} failed: {_api_error(e)}", []
                    ) from None
                except _NETWORK as e:
                    raise ApiError(0, f"discovery of {api_version} {kind} failed: {e}", []) from None
            return self._resources[key]

    def namespaced(self, api_version: str, kind: str) -> bool:
        return bool(self.resource(api_version, kind).namespaced)

    def scope(self, api_version: str, kind: str) -> bool | None:
        """Whether the kind is namespaced; None when the server does not serve it (planning's Scope)."""
        try:
            return self.namespaced(api_version, kind)
        except ApiError:
            return None

    def _call(self, what: str, fn: Callable[[], Any]) -> Any:
        self._check()
        try:
            return fn()
        except ApiException as e:
            raise _api_error(e) from None
        except _NETWORK as e:
            raise ApiError(0, f"{what}: no answer from the API server: {e}", []) from None

    def create(self, obj: Obj, namespace: str | None, dry_run: bool = False) -> Obj:
        """POST: fails with 409 AlreadyExists when the object is there (nothing is taken over)."""
        res = self.resource(obj["apiVersion"], obj["kind"])
        kwargs: dict[str, Any] = {"field_manager": FIELD_MANAGER, "_request_timeout": REQUEST_TIMEOUT}
        if dry_run:
            kwargs["dry_run"] = "All"
        ns = namespace if res.namespaced else None
        out = self._call(f"create {obj['kind']}", lambda: self.dynamic.create(res, body=obj, namespace=ns, **kwargs))
        return out.to_dict()

    def apply(self, obj: Obj, namespace: str | None, dry_run: bool = False, force: bool = False) -> Obj:
        """Server-side apply; force only for objects this run created (the policy decides)."""
        res = self.resource(obj["apiVersion"], obj["kind"])
        kwargs: dict[str, Any] = {"field_manager": FIELD_MANAGER, "_request_timeout": REQUEST_TIMEOUT}
        if force:
            kwargs["force_conflicts"] = True
        if dry_run:
            kwargs["dry_run"] = "All"
        ns = namespace if res.namespaced else None
        name = obj["metadata"]["name"]
        out = self._call(
            f"apply {obj['kind']}/{name}",
            lambda: self.dynamic.server_side_apply(res, body=obj, name=name, namespace=ns, **kwargs),
        )
        return out.to_dict()

    def get(self, api_version: str, kind: str, name: str, namespace: str | None) -> Obj | None:
        res = self.resource(api_version, kind)
        ns = namespace if res.namespaced else None
        try:
            return self._call(
                f"get {kind}/{name}",
                lambda: self.dynamic.get(res, name=name, namespace=ns, _request_timeout=REQUEST_TIMEOUT),
            ).to_dict()
        except ApiError as e:
            if e.status == 404:
                return None
            raise

    def list(self, api_version: str, kind: str, namespace: str | None, label_selector: str | None = None) -> Obj:
        res = self.resource(api_version, kind)
        return self._call(
            f"list {kind}",
            lambda: self.dynamic.get(
                res, namespace=namespace, label_selector=label_selector, _request_timeout=REQUEST_TIMEOUT
            ),
        ).to_dict()

    def wait(
        self,
        api_version: str,
        kind: str,
        name: str,
        namespace: str | None,
        done: Callable[[Obj], bool],
        timeout: float,
        stop: Callable[[Obj], str | None] = lambda o: None,
    ) -> tuple[bool, Obj | None, str | None]:
        """Watch one object until done(obj) is true; returns (done, last object, reason it stopped early)."""
        res = self.resource(api_version, kind)
        ns = namespace if res.namespaced else None
        deadline = time.monotonic() + timeout
        last = self.get(api_version, kind, name, namespace)
        while True:
            self._check()
            if last is not None:
                if done(last):
                    return True, last, None
                reason = stop(last)
                if reason:
                    return False, last, reason
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False, last, None
            version = (last or {}).get("metadata", {}).get("resourceVersion")
            window = max(1, min(int(remaining), 5))  # short windows: a cancelled run stops within seconds
            try:
                for event in self.dynamic.watch(
                    res,
                    namespace=ns,
                    field_selector=f"metadata.name={name}",
                    resource_version=version,
                    timeout=window,
                ):
                    if event["type"] in ("ADDED", "MODIFIED"):
                        last = event["raw_object"]
                        if done(last) or stop(last):
                            break
                    elif event["type"] == "DELETED":
                        last = None
                    if time.monotonic() > deadline or self.cancelled.is_set():
                        break
            except ApiException as e:
                if e.status != 410:  # 410 Gone: resourceVersion too old, read again
                    raise _api_error(e) from None
                last = self.get(api_version, kind, name, namespace)
            except (urllib3.exceptions.ProtocolError, urllib3.exceptions.ReadTimeoutError):
                last = self.get(api_version, kind, name, namespace)

    def delete(self, api_version: str, kind: str, name: str, namespace: str | None, uid: str | None = None) -> bool:
        """Delete one object (only if its uid is still `uid`, when given); False when it was already gone."""
        res = self.resource(api_version, kind)
        ns = namespace if res.namespaced else None
        body = {"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": "Background"}
        if uid:
            body["preconditions"] = {"uid": uid}
        try:
            self._call(
                f"delete {kind}/{name}",
                lambda: self.dynamic.delete(res, name=name, namespace=ns, body=body, _request_timeout=REQUEST_TIMEOUT),
            )
        except ApiError as e:
            if e.status == 404:
                return False
            raise
        return True

    def wait_gone(self, api_version: str, kind: str, name: str, namespace: str | None, timeout: float) -> bool:
        """Wait until an object no longer exists (cleanup of pages that share cluster-wide names)."""
        deadline = time.monotonic() + timeout
        delay = 0.05
        while time.monotonic() < deadline:
            if self.get(api_version, kind, name, namespace) is None:
                return True
            time.sleep(delay)
            delay = min(delay * 2, 0.5)
        return False

    def events(self, name: str, namespace: str | None) -> list[str]:
        """The last events of an object (best effort: a failure to list them is said, not hidden)."""
        try:
            items = self.list("v1", "Event", namespace).get("items", [])
        except ApiError as e:
            return [f"(events could not be listed: {e})"]
        out = []
        for e in items:
            if (e.get("involvedObject") or {}).get("name") == name:
                out.append(f"{e.get('type')} {e.get('reason')}: {e.get('message', '').strip()}")
        return out[-5:]
