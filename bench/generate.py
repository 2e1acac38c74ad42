#!/usr/bin/env python3
"""Writes an N-page handbook for the benchmark: CJK prose, headings, tables, nested lists,
task lists, code blocks and check blocks, spread over folders like a real handbook."""
import os, sys

def page(i):
    checks = []
    for k in range(2):
        checks.append(f"""- [{'x' if k else ' '}] 條件 {i}-{k}：服務回應正常
  ```check b{i}-{k}
  $ echo ok-{i}-{k}
  ok-{i}-{k}
  ```
""")
    prose = "本段說明維運流程與注意事項，包含監控、告警、備份與還原的檢查點。" * 6
    return f"""---
title: 第 {i} 頁：維運手冊範例
kind: {'runbook' if i % 3 == 0 else 'guide'}
order: {i}
owner: sre
last-reviewed: 2026-10-01
review-every: 90d
---
# 第 {i} 頁：維運手冊範例

{prose}

## 觸發條件

| 指標 | 門檻 | 說明 |
|:-----|-----:|------|
| CPU | 85% | 持續 5 分鐘 |
| 記憶體 | 90% | 持續 10 分鐘 |

## 診斷步驟

1. 檢查節點狀態
   - 查看 `kubectl get nodes`
   - 查看事件
     - 注意 NotReady
2. 檢查 etcd

```bash
kubectl get pods -A | grep -v Running
```

## 驗證修復

{''.join(checks)}
## 相關文檔

參見[首頁](../index.md)。{prose}
"""

def main():
    out, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    os.makedirs(os.path.join(out, "content"), exist_ok=True)
    os.makedirs(os.path.join(out, "checks"), exist_ok=True)
    with open(os.path.join(out, "content", "index.md"), "w") as f:
        f.write("# 基準測試手冊\n")
    for i in range(n):
        d = os.path.join(out, "content", f"section-{i // 50:02d}")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, f"page-{i:04d}.md"), "w") as f:
            f.write(page(i))
    with open(os.path.join(out, "checks", "targets.yaml"), "w") as f:
        f.write("default: local\ntargets:\n  local: {}\n")

if __name__ == "__main__":
    main()
