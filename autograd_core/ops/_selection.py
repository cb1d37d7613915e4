"""Which of several equal elements PyTorch's CPU kernels return: their selection algorithms, replayed.

torch.topk and torch.kthvalue return the index of one of several tied values as their algorithm's
swaps leave it (not the first one), and the gradient goes to that index. To send it where PyTorch
does, rows with ties replay the same steps on (key, index) pairs:
- kthvalue: ATen's quick_select_template (median-of-three, Sedgewick's partition), Sorting.cpp;
- topk: std::partial_sort when k * 64 <= n, else std::nth_element then std::sort of the first k - 1
  (ATen's TopKImpl.h), as GNU libstdc++ implements them (introselect, introsort, heap select).
Rows without ties never come here: their answer does not depend on the algorithm.
"""
import math


def quick_select(keys, k):
    """The original position of the element quick_select_template leaves at position k (keys: comparable)."""
    arr = [(key, i) for i, key in enumerate(keys)]

    def gt(a, b):
        return a[0] > b[0]

    def swap(i, j):
        arr[i], arr[j] = arr[j], arr[i]

    lo, hi = 0, len(arr) - 1
    while True:
        if hi <= lo:
            return arr[k][1]
        if hi == lo + 1:
            if gt(arr[lo], arr[hi]):
                swap(lo, hi)
            return arr[k][1]
        swap((lo + hi) >> 1, lo + 1)
        if gt(arr[lo + 1], arr[hi]):
            swap(lo + 1, hi)
        if gt(arr[lo], arr[hi]):
            swap(lo, hi)
        if gt(arr[lo + 1], arr[lo]):
            swap(lo + 1, lo)
        i, j, pivot = lo + 1, hi, arr[lo]
        while True:
            i += 1
            while gt(pivot, arr[i]):
                i += 1
            j -= 1
            while gt(arr[j], pivot):
                j -= 1
            if j < i:
                break
            swap(i, j)
        swap(lo, j)
        if j <= k:
            lo = i
        if j >= k:
            hi = j - 1


class _Std:
    """GNU libstdc++'s nth_element, sort and partial_sort on a list of (key, index), `less` = key order."""

    def __init__(self, items):
        self.a = items

    def less(self, i, j):
        return self.a[i][0] < self.a[j][0]

    def swap(self, i, j):
        self.a[i], self.a[j] = self.a[j], self.a[i]

    # ---- heaps ----
    def adjust_heap(self, first, hole, length, value):
        a, top, child = self.a, hole, hole
        while child < (length - 1) // 2:
            child = 2 * (child + 1)
            if a[first + child][0] < a[first + child - 1][0]:
                child -= 1
            a[first + hole] = a[first + child]
            hole = child
        if length % 2 == 0 and child == (length - 2) // 2:
            child = 2 * (child + 1)
            a[first + hole] = a[first + child - 1]
            hole = child - 1
        parent = (hole - 1) // 2
        while hole > top and a[first + parent][0] < value[0]:
            a[first + hole] = a[first + parent]
            hole = parent
            parent = (hole - 1) // 2
        a[first + hole] = value

    def make_heap(self, first, last):
        length = last - first
        if length < 2:
            return
        parent = (length - 2) // 2
        while True:
            self.adjust_heap(first, parent, length, self.a[first + parent])
            if parent == 0:
                return
            parent -= 1

    def pop_heap(self, first, last, result):
        value = self.a[result]
        self.a[result] = self.a[first]
        self.adjust_heap(first, 0, last - first, value)

    def heap_select(self, first, middle, last):
        self.make_heap(first, middle)
        for i in range(middle, last):
            if self.less(i, first):
                self.pop_heap(first, middle, i)

    def sort_heap(self, first, last):
        while last - first > 1:
            last -= 1
            self.pop_heap(first, last, last)

    def partial_sort(self, first, middle, last):
        self.heap_select(first, middle, last)
        self.sort_heap(first, middle)

    # ---- quicksort pieces ----
    def move_median_to_first(self, result, a, b, c):
        less = self.less
        if less(a, b):
            pick = b if less(b, c) else c if less(a, c) else a
        else:
            pick = a if less(a, c) else c if less(b, c) else b
        self.swap(result, pick)

    def unguarded_partition(self, first, last, pivot):
        a = self.a
        while True:
            while a[first][0] < a[pivot][0]:
                first += 1
            last -= 1
            while a[pivot][0] < a[last][0]:
                last -= 1
            if not first < last:
                return first
            self.swap(first, last)
            first += 1

    def partition_pivot(self, first, last):
        mid = first + (last - first) // 2
        self.move_median_to_first(first, first + 1, mid, last - 1)
        return self.unguarded_partition(first + 1, last, first)

    def insertion_sort(self, first, last):
        a = self.a
        for i in range(first + 1, last):
            value = a[i]
            if value[0] < a[first][0]:
                a[first + 1:i + 1] = a[first:i]
                a[first] = value
            else:
                j = i
                while value[0] < a[j - 1][0]:
                    a[j] = a[j - 1]
                    j -= 1
                a[j] = value

    def nth_element(self, first, nth, last):
        depth = 2 * int(math.log2(last - first)) if last > first else 0
        while last - first > 3:
            if depth == 0:
                self.heap_select(first, nth + 1, last)
                self.swap(first, nth)
                return
            depth -= 1
            cut = self.partition_pivot(first, last)
            if cut <= nth:
                first = cut
            else:
                last = cut
        self.insertion_sort(first, last)

    def introsort_loop(self, first, last, depth):
        while last - first > 16:
            if depth == 0:
                self.partial_sort(first, last, last)
                return
            depth -= 1
            cut = self.partition_pivot(first, last)
            self.introsort_loop(cut, last, depth)
            last = cut

    def sort(self, first, last):
        if last - first < 2:
            return
        self.introsort_loop(first, last, 2 * int(math.log2(last - first)))
        self.insertion_sort(first, last)  # (libstdc++'s final pass; unguarded past 16 gives the same result)


def topk_positions(keys, k, sorted_):
    """Original positions of the k elements ATen's topk returns, in its order (keys ordered best first)."""
    std = _Std([(key, i) for i, key in enumerate(keys)])
    n = len(keys)
    if k * 64 <= n:
        std.partial_sort(0, k, n)
    else:
        std.nth_element(0, k - 1, n)
        if sorted_:
            std.sort(0, k - 1)  # (ATen sorts the first k - 1: nth_element already put the k-th in place)
    return [i for _, i in std.a[:k]]
