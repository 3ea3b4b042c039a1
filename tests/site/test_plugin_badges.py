"""Verified-by badges: built from the results files of test runs, matched by snippet content hash,
in the page's language; nothing for a snippet no run knows; the generated verification table."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from plugin_projects import KIND, KWOK, build, page_hashes, write_project, write_results

POD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27\n"
CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: b\n"
PVC = (
    "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  accessModes: [ReadWriteOnce]\n"
    "  resources:\n    requests:\n      storage: 1Gi\n"
)


def page(title: str) -> str:
    return (
        f'# {title}\n\n```yaml\n--8<-- "pod.yaml"\n```\n\n=== "tab"\n\n    ```yaml\n    --8<-- "cm.yaml"\n    ```\n\n'
        f'```yaml\n--8<-- "pvc.yaml"\n```\n'
    )


VERIFICATION = "# V\n\nHand-written prose.\n\n<!-- kdt-verification-results -->\n\nMore prose.\n"


def project(tmp_path: Path) -> Path:
    return write_project(
        tmp_path / "p",
        {
            "zh/pod.md": page("Pod 中文"),
            "en/pod.md": page("Pod"),
            "zh/verification.md": VERIFICATION,
            "en/verification.md": VERIFICATION,
        },
        {"pod.yaml": POD, "cm.yaml": CM, "pvc.yaml": PVC},
    )


def badges(html: str) -> list[str]:
    return re.findall(r'<div class="kdt-badge [^"]*".*?</div>', html, re.S)


def text(fragment: str) -> str:
    return re.sub(r"<[^>]+>", "|", re.sub(r">\s+<", "><", fragment))


def test_badges_say_what_ran_in_the_language_of_the_page_and_none_for_a_changed_snippet(tmp_path: Path):
    root = project(tmp_path)
    pod, cm, pvc = page_hashes(root, "zh/pod.md")
    old_pvc = hashlib.sha256(PVC.replace("1Gi", "2Gi").encode()).hexdigest()  # the text of the last run
    assert pvc != old_pvc
    write_results(
        root,
        "kwok.json",
        KWOK | {"date": "2026-11-30T10:00:00Z"},
        [
            {
                "path": "docs/zh/pod.md",
                "line": 3,
                "hash": pod,
                "k8s_versions": ["1.35", "1.36", "1.37"],
                "fidelity": "full",
            },
            {
                "path": "docs/zh/pod.md",
                "line": 9,
                "hash": cm,
                "k8s_versions": ["1.35", "1.36", "1.37"],
                "fidelity": "partial",
                "reasons": ["the volume was not mounted"],
            },
            {"path": "docs/zh/pod.md", "line": 14, "hash": old_pvc, "k8s_versions": ["1.37"], "fidelity": "full"},
        ],
    )
    write_results(
        root,
        "kind.json",
        KIND | {"date": "2026-12-01T10:00:00Z"},
        [
            {
                "path": "docs/zh/pod.md",
                "line": 3,
                "hash": pod,
                "k8s_versions": ["1.35", "1.36", "1.37"],
                "fidelity": "full",
            }
        ],
    )
    done = build(root)
    assert done.returncode == 0, done.stdout + done.stderr
    zh = badges((root / "site" / "pod" / "index.html").read_text(encoding="utf-8"))
    en = badges((root / "site" / "en" / "pod" / "index.html").read_text(encoding="utf-8"))
    assert len(zh) == 2 and len(en) == 2, (zh, en)  # none for pvc.yaml: it changed since the run
    assert all(pvc not in b for b in zh + en)
    # the Pod ran on kind (real containers), which beats its kwok run
    assert pod in zh[0] and "|已验证||模式 1.35–1.37||真实容器||Kubernetes 1.37.2||2026-12-01|" in text(zh[0])
    assert "|Verified||schemas 1.35–1.37||real containers||Kubernetes 1.37.2||2026-12-01|" in text(en[0])
    # the ConfigMap (inside a content tab) ran only on kwok, partially
    assert (
        cm in zh[1]
        and "|模拟节点上的控制平面|" in text(zh[1])
        and "|部分验证|the volume was not mounted|" in text(zh[1])
    )
    assert "|control plane with simulated nodes|" in text(en[1]) and "|partial|the volume was not mounted|" in text(
        en[1]
    )
    assert "kdt-badge--partial" in en[1] and "kdt-badge--full" in en[0]


def test_a_badge_keeps_a_code_block_next_to_its_annotations(tmp_path: Path):
    annotated = '# Pod\n\n```yaml\n--8<-- "pod.yaml"\n```\n\n1. The image.\n'
    root = write_project(tmp_path / "p", {"pod.md": annotated}, {"pod.yaml": POD}, i18n=False)
    (pod,) = page_hashes(root, "pod.md")
    write_results(root, "kwok.json", KWOK | {"date": "2026-11-30T10:00:00Z"}, [{"hash": pod, "k8s_versions": ["1.37"]}])
    done = build(root)
    assert done.returncode == 0, done.stdout + done.stderr
    html = re.sub(r">\s+<", "><", (root / "site" / "pod" / "index.html").read_text(encoding="utf-8"))
    assert re.search(r'<div class="kdt-badge [^"]*"[^>]*>.*?</div><div class="highlight">.*?</div><ol>', html, re.S)


def test_the_verification_table_counts_the_snippets_of_each_language_as_their_badges(tmp_path: Path):
    root = project(tmp_path)
    values = "# Values\n\n```yaml\nreplicaCount: 2\n```\n"
    for lang in ("zh", "en"):
        (root / "docs" / lang / "values.md").write_text(values, encoding="utf-8")
    pod, cm, _ = page_hashes(root, "zh/pod.md")  # pvc.yaml: in no run (changed since, say)
    (plain,) = page_hashes(root, "zh/values.md")
    write_results(
        root,
        "kwok.json",
        KWOK | {"date": "2026-11-30T10:00:00Z"},
        [
            {"path": "docs/zh/pod.md", "line": 3, "id": "docs/zh/pod.md:3", "hash": pod},
            {"path": "docs/zh/pod.md", "line": 9, "hash": cm, "fidelity": "partial", "reasons": ["nfs not reached"]},
            {
                "path": "docs/zh/values.md",
                "line": 3,
                "hash": plain,
                "status": "skipped",
                "stage": "parse",
                "messages": ["docs/zh/values.md:3: info: not a Kubernetes manifest"],
            },
        ],
    )
    done = build(root)
    assert done.returncode == 0, done.stdout + done.stderr
    en = text((root / "site" / "en" / "verification" / "index.html").read_text(encoding="utf-8"))
    zh = text((root / "site" / "verification" / "index.html").read_text(encoding="utf-8"))
    assert "Hand-written prose." in en and "More prose." in en
    assert "control plane with simulated nodes (kwok): 2026-11-30, Kubernetes 1.37.2, schemas 1.35–1.37" in en
    # the English pages include the same manifests: counted by content, as their badges
    assert "|applied and checked on a control plane with simulated nodes||2|" in en
    assert "|of which partial||1|" in en and "|not checked (reasons below)||1|" in en
    assert "|no result (changed since the run, or not in it)||1|" in en
    assert "|docs/en/pod.md|||0||2||0||1|" in en and "|docs/en/values.md|||0||0||0||1|" in en
    assert "nfs not reached (1): |docs/en/pod.md:9|" in en
    assert "not a Kubernetes manifest (1): |docs/en/values.md:3|" in en
    assert "no run result for this text: changed since the run, or not in it (1): |docs/en/pod.md:13|" in en
    assert "|在模拟节点上的控制平面上应用并检查||2|" in zh and "|docs/zh/pod.md|||0||2||0||1|" in zh
    assert "docs/en/" not in zh


def test_without_a_results_file_there_is_no_badge_and_no_claim(tmp_path: Path):
    root = project(tmp_path)
    done = build(root)
    assert done.returncode == 0, done.stdout + done.stderr
    for rel in ("pod/index.html", "en/pod/index.html"):
        assert "kdt-badge" not in (root / "site" / rel).read_text(encoding="utf-8")
    en = text((root / "site" / "en" / "verification" / "index.html").read_text(encoding="utf-8"))
    zh = text((root / "site" / "verification" / "index.html").read_text(encoding="utf-8"))
    assert "No test run is recorded." in en and "尚无测试运行记录。" in zh
