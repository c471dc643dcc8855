/**
 * Interpreter semantics, one construct family per test. Each expected value is
 * what CPython 3.11 prints for str(value) after running the same source
 * (/usr/bin/python3), so the interpreter is held to Python's own answers.
 */
import { strict as assert } from 'node:assert';
import { initEngine, runPython } from './helpers/engine';

function check(source: string, expected: Record<string, string>): void {
  const r = runPython(source);
  const got: Record<string, string> = {};
  for (const k of Object.keys(expected)) got[k] = r.str(k);
  assert.deepEqual(got, expected);
  assert.deepEqual(r.findings.filter((f) => f.severity !== 'info'), [], 'no warnings for plain Python');
}

describe('python interpreter: semantics match CPython', () => {
  before(initEngine);

  it('arithmetic', () => {
    check(
      `
a = 7 // 2
b = -7 // 2
c = -7 % 3
d = 2 ** 100
e = 7 / 2
f = 10 ** -2
g = 7.5 // 2
h = -7.5 % 2
i = 3 * 1.5
j = 1 << 40
k = 0xff & 0b1010 | 0o7
l = int(7.9) + int(-7.9) + int("12")
m = round(2.5) + round(3.5) + round(-0.5)
n = round(2.675, 2)
o = abs(-3) + abs(-2.5)
p = divmod(-7, 2)
q = 10**100 // 10**98
r = (2**64 + 1) % 1000
`,
      {
      a: "3",
      b: "-4",
      c: "2",
      d: "1267650600228229401496703205376",
      e: "3.5",
      f: "0.01",
      g: "3.0",
      h: "0.5",
      i: "4.5",
      j: "1099511627776",
      k: "15",
      l: "12",
      m: "6",
      n: "2.67",
      o: "5.5",
      p: "(-4, 1)",
      q: "100",
      r: "617",
      },
    );
  });

  it('comparisons', () => {
    check(
      `
a = 1 < 2 <= 2 < 3
b = 1 == 1.0
c = (1, 2) < (1, 3)
d = [1, 2] == [1, 2]
e = 'ab' < 'b'
f = None is None
g = 3 in [1, 2, 3] and 'x' not in 'abc'
h = not 0
i = 0 or 'fallback'
j = 5 and 6
k = 1 if False else 2
l = True + True
`,
      {
      a: "True",
      b: "True",
      c: "True",
      d: "True",
      e: "True",
      f: "True",
      g: "True",
      h: "True",
      i: "fallback",
      j: "6",
      k: "2",
      l: "2",
      },
    );
  });

  it('containers', () => {
    check(
      `
xs = [3, 1, 2]
xs.append(4)
xs.extend([5, 6])
xs.insert(0, 0)
popped = xs.pop()
xs += [7]
ys = xs[1:4]
zs = xs[::-1]
ws = xs[-2:]
t = (1, 2, 3)[1:]
d = {'a': 1, 'b': 2}
d['c'] = 3
d.update(e=5)
got = d.get('z', 9)
keys = list(d.keys())
vals = sorted(d.values(), reverse=True)
items = [(k, v) for k, v in d.items() if v % 2]
s = {1, 2, 3} | {3, 4}
s2 = {1, 2, 3} & {2, 3, 4}
first, *rest = [1, 2, 3, 4]
(p, q), r = (1, 2), 3
n = len(xs) + len(d) + len(s) + len('hello')
joined = '-'.join(['a', 'b', 'c'])
parts = 'a,b,c'.split(',')
up = 'abc'.upper().replace('B', 'x')
m = {**d, 'a': 100}
`,
      {
      xs: "[0, 3, 1, 2, 4, 5, 7]",
      popped: "6",
      ys: "[3, 1, 2]",
      zs: "[7, 5, 4, 2, 1, 3, 0]",
      ws: "[5, 7]",
      t: "(2, 3)",
      d: "{'a': 1, 'b': 2, 'c': 3, 'e': 5}",
      got: "9",
      keys: "['a', 'b', 'c', 'e']",
      vals: "[5, 3, 2, 1]",
      items: "[('a', 1), ('c', 3), ('e', 5)]",
      s: "{1, 2, 3, 4}",
      s2: "{2, 3}",
      first: "1",
      rest: "[2, 3, 4]",
      p: "1",
      q: "2",
      r: "3",
      n: "20",
      joined: "a-b-c",
      parts: "['a', 'b', 'c']",
      up: "AxC",
      m: "{'a': 100, 'b': 2, 'c': 3, 'e': 5}",
      },
    );
  });

  it('comprehensions', () => {
    check(
      `
squares = [i * i for i in range(6) if i % 2 == 0]
pairs = [(i, j) for i in range(3) for j in range(i)]
dct = {k: len(k) for k in ['ab', 'c']}
st = {x % 3 for x in range(10)}
gen = sum(x for x in range(101))
nested = [[j for j in range(i)] for i in range(3)]
flags = any(x > 3 for x in [1, 5]), all(x > 0 for x in [1, 2])
`,
      {
      squares: "[0, 4, 16]",
      pairs: "[(1, 0), (2, 0), (2, 1)]",
      dct: "{'ab': 2, 'c': 1}",
      st: "{0, 1, 2}",
      gen: "5050",
      nested: "[[], [0], [0, 1]]",
      flags: "(True, True)",
      },
    );
  });

  it('builtins', () => {
    check(
      `
z = list(zip([1, 2, 3], 'ab'))
e = list(enumerate(['a', 'b'], start=1))
r = list(reversed(range(4)))
rg = list(range(10, 0, -3))
mn = min(3, 1, 2), max([4, 9, 2]), min([], default=7)
mk = max(['aa', 'b', 'cccc'], key=len)
sm = sum([1, 2, 3], 10)
mp = list(map(lambda x: x * 2, [1, 2]))
fl = list(filter(None, [0, 1, '', 'a']))
srt = sorted([(2, 'b'), (1, 'z'), (2, 'a')])
tp = (type(3) is int, type('s').__name__)
isi = isinstance(3, (str, int)), isinstance(True, int), isinstance([], tuple)
fmt = '{} + {:.2f} = {x:>5}'.format(1, 2.5, x='y')
fs = f"{3 * 4:04d}|{2 / 3:.3f}|{'s'!r}|{1e6:,.0f}"
pct = '%d/%s %.1f' % (3, 'x', 2.25)
`,
      {
      z: "[(1, 'a'), (2, 'b')]",
      e: "[(1, 'a'), (2, 'b')]",
      r: "[3, 2, 1, 0]",
      rg: "[10, 7, 4, 1]",
      mn: "(1, 9, 7)",
      mk: "cccc",
      sm: "16",
      mp: "[2, 4]",
      fl: "[1, 'a']",
      srt: "[(1, 'z'), (2, 'a'), (2, 'b')]",
      tp: "(True, 'str')",
      isi: "(True, True, False)",
      fmt: "1 + 2.50 =     y",
      fs: "0012|0.667|'s'|1,000,000",
      pct: "3/x 2.2",
      },
    );
  });

  it('functions', () => {
    check(
      `
def f(a, b=2, *args, c, d=4, **kw):
    return (a, b, args, c, d, sorted(kw.items()))
r1 = f(1, c=3)
r2 = f(1, 5, 6, 7, c=8, e=9)
def make_counter():
    count = 0
    def inc(step=1):
        nonlocal count
        count += step
        return count
    return inc
ctr = make_counter()
ctr(); ctr()
r3 = ctr(10)
G = 1
def set_global():
    global G
    G = 42
set_global()
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
r4 = fib(15)
defaults = []
def remember(x, acc=defaults):
    acc.append(x)
    return len(acc)
remember(1)
r5 = remember(2)
kw = {'c': 10, 'd': 20}
r6 = f(0, **kw)
args = (7, 8)
r7 = f(*args, c=1)
lam = (lambda x, y=3: x * y)(4)
`,
      {
      r1: "(1, 2, (), 3, 4, [])",
      r2: "(1, 5, (6, 7), 8, 4, [('e', 9)])",
      r3: "12",
      G: "42",
      r4: "610",
      r5: "2",
      r6: "(0, 2, (), 10, 20, [])",
      r7: "(7, 8, (), 1, 4, [])",
      lam: "12",
      },
    );
  });

  it('control', () => {
    check(
      `
out = []
for i in range(10):
    if i == 2:
        continue
    if i == 5:
        break
    out.append(i)
else:
    out.append('no-break')
w = 0
while w < 3:
    w += 1
else:
    w += 100
try:
    t = 1
    raise ValueError('x')
except ValueError:
    t = 2
finally:
    t += 10
`,
      {
      out: "[0, 1, 3, 4]",
      w: "103",
      t: "12",
      },
    );
  });

  it('classes', () => {
    check(
      `
class Base:
    kind = 'base'
    def __init__(self, v):
        self.v = v
    def describe(self):
        return f'{self.kind}:{self.v}'
    @property
    def double(self):
        return self.v * 2
    @classmethod
    def make(cls, v):
        return cls(v)
    @staticmethod
    def helper(x):
        return x + 1
class Mid(Base):
    kind = 'mid'
    def __init__(self, v, w=3):
        super().__init__(v)
        self.w = w
class Other:
    def hello(self):
        return 'other'
class Leaf(Mid, Other):
    def describe(self):
        return 'leaf/' + super().describe()
obj = Leaf(5)
a = obj.describe()
b = obj.double + obj.w
c = Leaf.make(2).describe()
d = Base.helper(1) + obj.helper(2)
e = [k.__name__ for k in Leaf.__mro__]
f = obj.hello(), isinstance(obj, Base), issubclass(Leaf, Other)
g = hasattr(obj, 'v'), hasattr(obj, 'nope'), getattr(obj, 'nope', 'dflt')
setattr(obj, 'extra', 9)
h = obj.extra
class Vec:
    def __init__(self, *xs):
        self.xs = list(xs)
    def __len__(self):
        return len(self.xs)
    def __getitem__(self, i):
        return self.xs[i]
    def __add__(self, o):
        return Vec(*[a + b for a, b in zip(self.xs, o.xs)])
    def __iter__(self):
        return iter(self.xs)
vv = Vec(1, 2) + Vec(10, 20)
i = len(vv), vv[1], list(vv)
`,
      {
      a: "leaf/mid:5",
      b: "13",
      c: "leaf/mid:2",
      d: "5",
      e: "['Leaf', 'Mid', 'Base', 'Other', 'object']",
      f: "('other', True, True)",
      g: "(True, False, 'dflt')",
      h: "9",
      i: "(2, 22, [11, 22])",
      },
    );
  });

  it('stdlib', () => {
    check(
      `
import math, copy, functools, itertools
from dataclasses import dataclass, field, asdict, replace
from collections import namedtuple, OrderedDict, defaultdict
from typing import NamedTuple, Optional, List
from enum import Enum, auto

@dataclass
class Cfg:
    n_layer: int = 12
    n_head: int = 12
    dims: List[int] = field(default_factory=lambda: [64, 128])
    name: Optional[str] = None
    def __post_init__(self):
        self.head = self.n_layer * 2
c1 = Cfg(n_layer=6)
a = (c1.n_layer, c1.n_head, c1.dims, c1.head)
b = sorted(asdict(replace(c1, n_head=4)).items())
Point = namedtuple('Point', ['x', 'y'])
pt = Point(1, y=2)
c = (pt.x + pt.y, pt[0], pt._replace(x=5).x)
class Spec(NamedTuple):
    width: int
    depth: int = 3
sp = Spec(10)
d = (sp.width, sp.depth, sp._asdict()['depth'])
od = OrderedDict([('b', 1), ('a', 2)])
e = list(od.keys())
dd = defaultdict(list)
dd['x'].append(1)
f = dict(dd)
class Color(Enum):
    RED = 1
    GREEN = 2
class Mode(Enum):
    A = auto()
    B = auto()
g = (Color.RED.value, Color(2).name, Mode.B.value)
h = (math.sqrt(16), math.ceil(7 / 2), math.floor(-2.5), math.log2(1024), math.prod([2, 3, 4]), math.gcd(12, 18), math.isqrt(99))
part = functools.partial(lambda a, b, c=0: a * 100 + b * 10 + c, 1, c=3)
i = part(2)
src = [[1], [2]]
deep = copy.deepcopy(src)
deep[0].append(9)
shallow = copy.copy(src)
shallow.append([3])
j = (src, deep, len(shallow))
k = (list(itertools.chain([1], [2, 3])), list(itertools.product([0, 1], repeat=2)), functools.reduce(lambda x, y: x * y, [1, 2, 3, 4]))
`,
      {
      a: "(6, 12, [64, 128], 12)",
      b: "[('dims', [64, 128]), ('n_head', 4), ('n_layer', 6), ('name', None)]",
      c: "(3, 1, 5)",
      d: "(10, 3, 3)",
      e: "['b', 'a']",
      f: "{'x': [1]}",
      g: "(1, 'GREEN', 2)",
      h: "(4.0, 4, -3, 10.0, 24, 6, 9)",
      i: "123",
      j: "([[1], [2]], [[1, 9], [2]], 3)",
      k: "([1, 2, 3], [(0, 0), (0, 1), (1, 0), (1, 1)], 24)",
      },
    );
  });

  it('properties_and_exceptions', () => {
    check(
      `
class Box:
    def __init__(self):
        self._w = 1

    @property
    def w(self):
        return self._w

    @w.setter
    def w(self, v):
        self._w = v * 10

b = Box()
b.w = 3
a = b.w
def risky(x):
    if x < 0:
        raise ValueError('negative')
    return x
try:
    r = risky(-1)
except ValueError:
    r = 'caught'
try:
    ok = risky(2)
finally:
    done = True
ann: int = 5
x = y = 7
del x
z = 'x' in dir() if False else y
`,
      {
      a: "30",
      r: "caught",
      ok: "2",
      done: "True",
      ann: "5",
      z: "7",
      },
    );
  });

  it('generators', () => {
    check(
      `
def gen(n):
    for i in range(n):
        if i % 2:
            yield i * 10
    yield from [7, 8]
g1 = list(gen(5))
def names():
    yield 'a'
    yield 'b'
g2 = '-'.join(names())
g3 = sum(gen(3)) + len(list(names()))
g4 = [x for x in gen(4) if x > 7]
`,
      {
      g1: "[10, 30, 7, 8]",
      g2: "a-b",
      g3: "27",
      g4: "[10, 30, 8]",
      },
    );
  });

});
