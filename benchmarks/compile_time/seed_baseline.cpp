// (b) The baseline: seed.cpp's arithmetic written by hand, no hetgrid, nothing beyond <array>.
#include <array>

namespace {

struct spec {
  int ranks, tp, gtp, cp, pp, ep, expt_tp, egtp, offset;
  bool language;
};

constexpr spec images{4, 2, 1, 1, 1, 1, 2, 1, 0, false};
constexpr spec language{4, 2, 1, 1, 2, 1, 2, 1, 4, true};
constexpr std::array<spec, 2> modules{images, language};

// The layout rules the topology checks, by hand.
static_assert(images.ranks % (images.tp * images.gtp * images.cp * images.pp) == 0);
static_assert(language.ranks % (language.tp * language.gtp * language.cp * language.pp) == 0);
static_assert(images.ranks % (images.expt_tp * images.ep * images.egtp * images.pp) == 0);
static_assert(language.ranks % (language.expt_tp * language.ep * language.egtp * language.pp) == 0);
static_assert(images.offset + images.ranks == language.offset &&
              language.offset + language.ranks == 8);

// The twenty kinds as in docs/CONTRACT.md section 2: the dims each spans (bit i: dim i of its
// view, fastest first), and whether its view is the expert one.
constexpr std::array<unsigned, 20> dims{0b00001, 0b00010, 0b00100, 0b10000, 0b01000, 0b01100, 0b01110, 0b00101, 0b01011, 0b01111, 0b10011, 0b11111, 0b00010, 0b00001, 0b00100, 0b01000, 0b01100, 0b00011, 0b10011, 0b10111};
constexpr std::array<bool, 20> expert{false, false, false, false, false, false, false, false, false, false, false, false, true, true, true, true, true, true, true, true};

constexpr std::array<int, 5> sizes(const spec& s, int kind) {
  if (!expert[kind]) return {s.tp, s.gtp, s.cp, s.ranks / (s.tp * s.gtp * s.cp * s.pp), s.pp};
  return {s.expt_tp, s.ep, s.egtp, s.ranks / (s.expt_tp * s.ep * s.egtp * s.pp), s.pp};
}

struct group {
  int front, size;
};

// The group of `kind` holding `rank`: its smallest member and its size.
constexpr group group_of(const spec& s, int kind, int rank) {
  const auto n = sizes(s, kind);
  int local = rank - s.offset, stride = 1, front = s.offset, size = 1;
  for (int i = 0; i < 5; ++i) {
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
static_assert(is(group_of(language, 2, 5), 5, 1));
static_assert(is(group_of(language, 3, 5), 5, 2));
static_assert(is(group_of(language, 4, 5), 5, 1));
static_assert(is(group_of(language, 5, 5), 5, 1));
static_assert(is(group_of(language, 6, 5), 5, 1));
static_assert(is(group_of(language, 7, 5), 4, 2));
static_assert(is(group_of(language, 8, 5), 4, 2));
static_assert(is(group_of(language, 9, 5), 4, 2));
static_assert(is(group_of(language, 10, 5), 4, 4));
static_assert(is(group_of(language, 11, 5), 4, 4));
static_assert(is(group_of(language, 12, 5), 5, 1));
static_assert(is(group_of(language, 13, 5), 4, 2));
static_assert(is(group_of(language, 14, 5), 5, 1));
static_assert(is(group_of(language, 15, 5), 5, 1));
static_assert(is(group_of(language, 16, 5), 5, 1));
static_assert(is(group_of(language, 17, 5), 4, 2));
static_assert(is(group_of(language, 18, 5), 4, 4));
static_assert(is(group_of(language, 19, 5), 4, 4));

static_assert(is(group_of(images, 0, 2), 2, 2));
static_assert(is(group_of(images, 1, 2), 2, 1));
static_assert(is(group_of(images, 2, 2), 2, 1));
static_assert(is(group_of(images, 3, 2), 2, 1));
static_assert(is(group_of(images, 4, 2), 0, 2));
static_assert(is(group_of(images, 5, 2), 0, 2));
static_assert(is(group_of(images, 6, 2), 0, 2));
static_assert(is(group_of(images, 7, 2), 2, 2));
static_assert(is(group_of(images, 8, 2), 0, 4));
static_assert(is(group_of(images, 9, 2), 0, 4));
static_assert(is(group_of(images, 10, 2), 2, 2));
static_assert(is(group_of(images, 11, 2), 0, 4));
static_assert(is(group_of(images, 12, 2), 2, 1));
static_assert(is(group_of(images, 13, 2), 2, 2));
static_assert(is(group_of(images, 14, 2), 2, 1));
static_assert(is(group_of(images, 15, 2), 0, 2));
static_assert(is(group_of(images, 16, 2), 0, 2));
static_assert(is(group_of(images, 17, 2), 2, 2));
static_assert(is(group_of(images, 18, 2), 2, 2));
static_assert(is(group_of(images, 19, 2), 2, 2));

// Embedding groups: pp group's first and last member; pos_embd the first alone.
static_assert(group_of(language, 3, 5).front == 5 && pp_coord(language, 5) == 0 &&
              pp_coord(language, 7) == language.pp - 1);

static_assert(role_of(5).member[1] && role_of(5).first[1] && !role_of(5).last[1]);
static_assert(!role_of(2).member[1] && role_of(2).first[0] && role_of(2).last[0]);

}  // namespace
