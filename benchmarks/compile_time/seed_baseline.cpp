// (b) The baseline: seed.cpp's arithmetic written by hand, no hetgrid, nothing beyond <array>.
#include <array>

namespace {

struct spec {
  int ranks, tp, cp, pp, ep, expt_tp, offset;
  bool language;
};

constexpr spec images{4, 2, 1, 1, 1, 2, 0, false};
constexpr spec language{4, 2, 1, 2, 1, 2, 4, true};
constexpr std::array<spec, 2> modules{images, language};

// The layout rules the topology checks, by hand.
static_assert(images.ranks % (images.tp * images.cp * images.pp) == 0);
static_assert(language.ranks % (language.tp * language.cp * language.pp) == 0);
static_assert(images.ranks % (images.expt_tp * images.ep * images.pp) == 0);
static_assert(language.ranks % (language.expt_tp * language.ep * language.pp) == 0);
static_assert(images.offset + images.ranks == language.offset &&
              language.offset + language.ranks == 8);

// Kinds 0..11 as in docs/CONTRACT.md section 2: tp cp pp dp dp_cp tp_cp mp ep expt_tp expt_dp tp_ep tp_ep_pp.
constexpr std::array<unsigned, 12> dims{0b0001, 0b0010, 0b1000, 0b0100, 0b0110, 0b0011,
                                        0b1001, 0b0010, 0b0001, 0b0100, 0b0011, 0b1011};

constexpr std::array<int, 4> sizes(const spec& s, int kind) {
  if (kind < 7) return {s.tp, s.cp, s.ranks / (s.tp * s.cp * s.pp), s.pp};
  return {s.expt_tp, s.ep, s.ranks / (s.expt_tp * s.ep * s.pp), s.pp};
}

struct group {
  int front, size;
};

// The group of `kind` holding `rank`: its smallest member and its size.
constexpr group group_of(const spec& s, int kind, int rank) {
  const auto n = sizes(s, kind);
  int local = rank - s.offset, stride = 1, front = s.offset, size = 1;
  for (int i = 0; i < 4; ++i) {
    const int c = local % n[i];
    local /= n[i];
    if (dims[kind] >> i & 1u) size *= n[i];
    else front += c * stride;
    stride *= n[i];
  }
  return {front, size};
}

constexpr bool is(group g, int front, int size) { return g.front == front && g.size == size; }

constexpr int pp_coord(const spec& s, int rank) {
  return (rank - s.offset) / (s.ranks / s.pp);
}

struct role {
  bool member[2], first[2], last[2];
};
constexpr role role_of(int rank) {
  role r{};
  for (int i = 0; i < 2; ++i) {
    const spec& s = modules[i];
    r.member[i] = rank >= s.offset && rank < s.offset + s.ranks;
    r.first[i] = r.member[i] && pp_coord(s, rank) == 0;
    r.last[i] = r.member[i] && pp_coord(s, rank) == s.pp - 1;
  }
  return r;
}

static_assert(is(group_of(language, 0, 5), 4, 2));
static_assert(is(group_of(language, 1, 5), 5, 1));
static_assert(is(group_of(language, 2, 5), 5, 2));
static_assert(is(group_of(language, 3, 5), 5, 1));
static_assert(is(group_of(language, 4, 5), 5, 1));
static_assert(is(group_of(language, 5, 5), 4, 2));
static_assert(is(group_of(language, 6, 5), 4, 4));
static_assert(is(group_of(language, 7, 5), 5, 1));
static_assert(is(group_of(language, 8, 5), 4, 2));
static_assert(is(group_of(language, 9, 5), 5, 1));
static_assert(is(group_of(language, 10, 5), 4, 2));
static_assert(is(group_of(language, 11, 5), 4, 4));

static_assert(is(group_of(images, 0, 2), 2, 2));
static_assert(is(group_of(images, 1, 2), 2, 1));
static_assert(is(group_of(images, 2, 2), 2, 1));
static_assert(is(group_of(images, 3, 2), 0, 2));
static_assert(is(group_of(images, 4, 2), 0, 2));
static_assert(is(group_of(images, 5, 2), 2, 2));
static_assert(is(group_of(images, 6, 2), 2, 2));
static_assert(is(group_of(images, 7, 2), 2, 1));
static_assert(is(group_of(images, 8, 2), 2, 2));
static_assert(is(group_of(images, 9, 2), 0, 2));
static_assert(is(group_of(images, 10, 2), 2, 2));
static_assert(is(group_of(images, 11, 2), 2, 2));

// Embedding groups: pp group's first and last member; pos_embd the first alone.
static_assert(group_of(language, 2, 5).front == 5 && pp_coord(language, 5) == 0 &&
              pp_coord(language, 7) == language.pp - 1);

static_assert(role_of(5).member[1] && role_of(5).first[1] && !role_of(5).last[1]);
static_assert(!role_of(2).member[1] && role_of(2).first[0] && role_of(2).last[0]);

}  // namespace
