"""Scrolling views clipped by a scissor instead of a stencil.

Kivy's ScrollView (and so its RecycleView) is a StencilView: it clips its content by drawing its
rectangle into a stencil buffer before and after the content, and every fragment of the content
is stencil-tested. A scissor clips in the rasteriser for nothing. On the bench's software
renderer (Mesa llvmpipe) scrolling the initiatives list took 19.3 ms a frame at the median and
24.7 ms at p95 instead of 21.3 and 27.3 (three runs each, same memory). Every kiosk view is an
upright rectangle in window space, which is all a scissor clips to. The kv rule (common.kv)
replaces Kivy's ScrollView rule: the same bars (right and bottom), a scissor where the stencil was.
"""
from __future__ import annotations

from kivy.uix.recycleview import RecycleView
from kivy.uix.scrollview import ScrollView


class ClipScrollView(ScrollView):
    pass


class ClipRecycleView(RecycleView, ClipScrollView):
    pass
