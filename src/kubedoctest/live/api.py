"""A thin, thread-safe layer over the kubernetes dynamic client: apply, dry-run, wait, delete."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import urllib3
from kubernetes import config as kube_config
from kubernetes.client.exceptions import ApiException
from kubernetes.dynamic import DynamicClient
from kubernetes.dynamic.exceptions import ResourceNotFoundError

FIELD_MANAGER = "kubedoctest"
Obj = dict[str, Any]


@dataclass
class ApiError(Exception):
    """An API server refusal: its message and the fields it names."""

    status: int
    message: str
    fields: list[str]
    reason: str = ""

    def __str__(self) -> str:
        return self.message


def _api_error(e: ApiException) -> ApiError:
    try:
        body = json.loads(e.body or "{}")
    except ValueError:
        body = {}
    message = body.get("message") or e.reason or str(e)
    causes = (body.get("details") or {}).get("causes") or []
    fields = [c["field"] for c in causes if c.get("field")]
    return ApiError(e.status or 0, message, fields, body.get("reason", ""))


class Api:
    def __init__(self, kubeconfig: Path, pool: int = 8):
        client = kube_config.new_client_from_config(config_file=str(kubeconfig))
        client.configuration.connection_pool_maxsize = pool
        client.rest_client.pool_manager.connection_pool_kw["maxsize"] = pool
        self.client = client
        self.dynamic = DynamicClient(client)
        self._lock = threading.Lock()
        self._resources: dict[tuple[str, str], Any] = {}

    def resource(self, api_version: str, kind: str) -> Any:
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
            return self._resources[key]

    def namespaced(self, api_version: str, kind: str) -> bool:
        return bool(self.resource(api_version, kind).namespaced)

    def apply(self, obj: Obj, namespace: str | None, dry_run: bool = False) -> Obj:
        res = self.resource(obj["apiVersion"], obj["kind"])
        kwargs: dict[str, Any] = {"field_manager": FIELD_MANAGER, "force_conflicts": True}
        if dry_run:
            kwargs["dry_run"] = "All"
        try:
            out = self.dynamic.server_side_apply(
                res,
                body=obj,
                name=obj["metadata"]["name"],
                namespace=namespace if res.namespaced else None,
                **kwargs,
            )
        except ApiException as e:
            raise _api_error(e) from None
        return out.to_dict()

    def get(self, api_version: str, kind: str, name: str, namespace: str | None) -> Obj | None:
        res = self.resource(api_version, kind)
        try:
            return self.dynamic.get(res, name=name, namespace=namespace if res.namespaced else None).to_dict()
        except ApiException as e:
            if e.status == 404:
                return None
            raise _api_error(e) from None

    def list(self, api_version: str, kind: str, namespace: str | None, label_selector: str | None = None) -> Obj:
        res = self.resource(api_version, kind)
        try:
            return self.dynamic.get(res, namespace=namespace, label_selector=label_selector).to_dict()
        except ApiException as e:
            raise _api_error(e) from None

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
            try:
                for event in self.dynamic.watch(
                    res,
                    namespace=ns,
                    field_selector=f"metadata.name={name}",
                    resource_version=version,
                    timeout=max(1, int(remaining)),
                ):
                    if event["type"] in ("ADDED", "MODIFIED"):
                        last = event["raw_object"]
                        if done(last) or stop(last):
                            break
                    elif event["type"] == "DELETED":
                        last = None
                    if time.monotonic() > deadline:
                        break
            except ApiException as e:
                if e.status != 410:  # 410 Gone: resourceVersion too old, read again
                    raise _api_error(e) from None
                last = self.get(api_version, kind, name, namespace)
            except (urllib3.exceptions.ProtocolError, urllib3.exceptions.ReadTimeoutError):
                last = self.get(api_version, kind, name, namespace)
            else:
                if last is not None and not done(last) and not stop(last) and time.monotonic() < deadline:
                    last = self.get(api_version, kind, name, namespace)

    def delete(self, api_version: str, kind: str, name: str, namespace: str | None) -> None:
        try:
            res = self.resource(api_version, kind)
            self.dynamic.delete(
                res,
                name=name,
                namespace=namespace if res.namespaced else None,
                propagation_policy="Background",
            )
        except ApiException as e:
            if e.status not in (404, 409):
                raise _api_error(e) from None
        except ApiError:
            pass

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
        try:
            items = self.list("v1", "Event", namespace).get("items", [])
        except ApiError:
            return []
        out = []
        for e in items:
            if (e.get("involvedObject") or {}).get("name") == name:
                out.append(f"{e.get('type')} {e.get('reason')}: {e.get('message', '').strip()}")
        return out[-5:]
