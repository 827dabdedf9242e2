"""An assessment as the text `junheng assess` prints: the verdict, the four dimensions and the veto
items with their states and counts, then what fails and what is pending, each item on its own line."""

from __future__ import annotations

from collections.abc import Sequence

from junheng.assessment import Assessment, State
from junheng.assessment.states import combined


def render_assessments(assessments: Sequence[Assessment]) -> str:
    return "\n\n".join(_one(a) for a in assessments) + "\n"


def _one(assessment: Assessment) -> str:
    lines = [assessment.headline, f"评估依据：{assessment.standard_title}（{assessment.standard}）"]
    lines.append(f"结论：{assessment.state}（{assessment.counts}）")
    width = max(len(d.name) for d in assessment.dimensions)
    for d in assessment.dimensions:
        lines.append(f"  {d.name}{'　' * (width - len(d.name))}  {d.state}  {d.counts}")
    vetoes = assessment.vetoes
    state = combined(v.state for v in vetoes) if vetoes else State.PASSED
    applying = [v.label for v in vetoes if v.applies]
    unchecked = [v.label for v in vetoes if v.applies is None]
    said = "存在：" + "、".join(applying) if applying else f"未核查 {len(unchecked)} 项" if unchecked else "均不存在"
    lines.append(f"  {'一票否决项'}{'　' * (width - 5)}  {state}  {said}")
    if assessment.failures:
        lines.append("未达标：")
        lines.extend(f"  {n}. {text}" for n, text in enumerate(assessment.failures, 1))
    if assessment.pendings:
        lines.append("待判定（尚缺数据、认定或核查）：")
        lines.extend(f"  {n}. {text}" for n, text in enumerate(assessment.pendings, 1))
    return "\n".join(lines)
