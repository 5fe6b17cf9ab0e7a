package dev.cairn.shell.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.Core;
import dev.cairn.core.CoreState;
import dev.cairn.spec.Tla;
import dev.cairn.spec.TlaModelValue;
import dev.cairn.spec.TlaState;
import dev.cairn.spec.TlaValues;
import dev.cairn.spec.mapping.TraceModel;
import dev.cairn.spec.mapping.TraceOperators;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import tlc2.value.impl.BoolValue;
import tlc2.value.impl.FcnRcdValue;
import tlc2.value.impl.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The definitions of {@code TraceCore.tla} that a trace model evaluates in Java ({@link
 * TraceOperators}) give what their TLA+ definitions give, evaluated by TLC ({@link Tla#eval} of a
 * definition evaluates its body, as {@code TlaToyTest} shows), on the books of a small world's
 * run and on random books over its peers.
 */
class TraceOperatorsTest {

  @TempDir Path dir;

  @Test
  void eachIsItsDefinition() throws Exception {
    assertThat(TraceOperators.METHODS).extracting(Method::getName)
        .containsExactlyInAnyOrder("TraceSameBook", "ExpiredBans", "CountWithStatus", "SubsetWithStatus",
            "CountsOf", "TracePut", "TraceDel", "ScoreOf", "StatusOf", "LeftBook", "Renewed");
    SmallWorldRun world = SmallWorldRun.generate(600, 3, false);
    try (TraceModel model = TraceModel.load(world.config(), TraceValidateTest.idsOf(world), dir)) {
      Tla tla = model.tla();
      List<Map<?, ?>> books = new ArrayList<>();
      List<Map<String, Object>> states = new ArrayList<>();
      CoreState state = world.initial();
      TlaState any = model.validator().specState(model.mapping().alpha(state, world.events().get(0).now()));
      for (SyntheticRun.Timed t : world.events()) {
        state = Core.step(world.config(), state, t.now(), t.wall(), t.event()).state();
        Map<String, Object> alpha = model.mapping().alpha(state, t.now());
        states.add(alpha);
        books.add((Map<?, ?>) alpha.get("book"));
      }
      Random r = new Random(5);
      List<?> peers = new ArrayList<>(books.get(0).keySet());
      List<String> statuses = List.of("known", "banned", "unknown");
      for (int i = 0; i < 200; i++) {
        Map<Object, Object> book = new LinkedHashMap<>();
        for (Object p : peers) {
          book.put(p, Map.of("status", statuses.get(r.nextInt(3)), "attempts", r.nextInt(3)));
        }
        books.add(book);
      }
      int known = 0;
      int banned = 0;
      for (Map<?, ?> book : books) {
        for (Object e : book.values()) {
          Object status = ((Map<?, ?>) e).get("status");
          known += "known".equals(status) ? 1 : 0;
          banned += "banned".equals(status) ? 1 : 0;
        }
      }
      assertThat(peers).hasSizeGreaterThan(10).allMatch(p -> p instanceof TlaModelValue);
      assertThat(known).as("known entries seen").isGreaterThan(1000);
      assertThat(banned).as("banned entries seen").isGreaterThan(1000);

      // TraceSameBook: consecutive books, a book against itself and its copy, and edits of one
      // entry made as a step makes them (the other entries shared) or as a new function
      int equal = 0;
      int unequal = 0;
      for (int i = 0; i + 1 < books.size(); i++) {
        Map<?, ?> b = books.get(i);
        FcnRcdValue v = (FcnRcdValue) TlaValues.toTla(b).normalize();
        Value[] edited = v.values.clone();
        int at = r.nextInt(edited.length);
        edited[at] = TlaValues.toTla(Map.of("status", statuses.get(r.nextInt(3)), "attempts", r.nextInt(3)));
        Value sameEntry = TlaValues.toTla(TlaValues.fromTla(v.values[at])); // equal, another object
        Value[] copied = v.values.clone();
        copied[at] = sameEntry;
        List<Value[]> pairs = List.of(
            new Value[] {v, TlaValues.toTla(books.get(i + 1))},
            new Value[] {v, v},
            new Value[] {v, TlaValues.toTla(b)},
            new Value[] {v, new FcnRcdValue(v.domain, edited, true)},
            new Value[] {v, new FcnRcdValue(v.domain, copied, true)},
            new Value[] {new FcnRcdValue(v.domain, edited, true), v});
        for (Value[] pair : pairs) {
          boolean spec = tla.holds("TraceSameBook", any, pair[0], pair[1]);
          Value java = TraceOperators.TraceSameBook(pair[0], pair[1]);
          assertThat(java).as("%s vs %s", pair[0], pair[1]).isEqualTo(spec ? BoolValue.ValTrue : BoolValue.ValFalse);
          equal += spec ? 1 : 0;
          unequal += spec ? 0 : 1;
        }
      }
      assertThat(equal).as("equal pairs").isGreaterThan(1000);
      assertThat(unequal).as("unequal pairs").isGreaterThan(500);

      // ExpiredBans: each book against the next and against a random one, over all the peers
      // and over random parts of them, with random bans by ID before and after
      int expired = 0;
      int held = 0;
      for (int i = 0; i + 1 < books.size(); i++) {
        Set<Object> part = new java.util.LinkedHashSet<>();
        Set<Object> ids = new java.util.LinkedHashSet<>();
        Set<Object> jds = new java.util.LinkedHashSet<>();
        for (Object p : peers) {
          if (r.nextInt(3) > 0) {
            part.add(p);
          }
          if (r.nextInt(5) == 0) {
            ids.add(p);
          }
          if (r.nextInt(5) == 0) {
            jds.add(p);
          }
        }
        Map<?, ?> other = books.get(r.nextInt(books.size()));
        for (Set<Object> u : List.of(new java.util.LinkedHashSet<Object>(peers), part)) {
          for (Map<?, ?> c : List.of(books.get(i + 1), other)) {
            Object spec = tla.eval("ExpiredBans", any, u, books.get(i), ids, c, jds);
            Object java = TlaValues.fromTla(TraceOperators.ExpiredBans(TlaValues.toTla(u), TlaValues.toTla(books.get(i)),
                TlaValues.toTla(ids), TlaValues.toTla(c), TlaValues.toTla(jds)));
            assertThat(java).as("bans of %s and %s over %s, expired in %s and %s", books.get(i), ids, u, c, jds)
                .isEqualTo(spec);
            expired += ((Set<?>) spec).size();
            Set<Object> candidates = new java.util.LinkedHashSet<>(ids);
            books.get(i).forEach((p, e) -> {
              if (u.contains(p) && "banned".equals(((Map<?, ?>) e).get("status"))) {
                candidates.add(p);
              }
            });
            held += candidates.size() - ((Set<?>) spec).size();
          }
        }
      }
      assertThat(expired).as("bans expired").isGreaterThan(500);
      assertThat(held).as("bans held").isGreaterThan(500);

      // LeftBook and Renewed: each book against the next, a random one and itself (the same
      // object: none left), over random parts of the peers for Renewed
      int left = 0;
      int renewed = 0;
      for (int i = 0; i + 1 < books.size(); i++) {
        Set<Object> part = new java.util.LinkedHashSet<>();
        for (Object p : peers) {
          if (r.nextInt(2) == 0) {
            part.add(p);
          }
        }
        Value b = TlaValues.toTla(books.get(i));
        for (Value c : List.of(TlaValues.toTla(books.get(i + 1)), TlaValues.toTla(books.get(r.nextInt(books.size()))),
            b)) {
          for (String status : List.of("known", "banned")) {
            Object spec = tla.eval("LeftBook", any, b, c, status);
            assertThat(TlaValues.fromTla(TraceOperators.LeftBook(b, c, TlaValues.toTla(status))))
                .as("%s left %s for %s", status, b, c).isEqualTo(spec);
            left += ((Set<?>) spec).size();
          }
          Object specRenewed = tla.eval("Renewed", any, part, b, c);
          assertThat(TlaValues.fromTla(TraceOperators.Renewed(TlaValues.toTla(part), b, c)))
              .as("renewed of %s from %s to %s", part, b, c).isEqualTo(specRenewed);
          renewed += ((Set<?>) specRenewed).size();
        }
      }
      assertThat(left).as("peers that left a book").isGreaterThan(500);
      assertThat(renewed).as("peers renewed").isGreaterThan(20);

      // CountWithStatus and SubsetWithStatus: over all the peers (a trace model's books are
      // functions over all of Peer) and over random parts of them; answers of known peers, of
      // any peers, and with a peer outside U
      Set<Object> all = new java.util.LinkedHashSet<>(peers);
      int subsets = 0;
      int notSubsets = 0;
      for (Map<?, ?> book : books) {
        Set<Object> part = new java.util.LinkedHashSet<>();
        for (Object p : peers) {
          if (r.nextInt(2) == 0) {
            part.add(p);
          }
        }
        for (String status : List.of("known", "banned", "unknown")) {
          for (Set<Object> u : List.of(all, part)) {
            Object spec = tla.eval("CountWithStatus", any, book, u, status);
            Object java = TlaValues.fromTla(TraceOperators.CountWithStatus(TlaValues.toTla(book), TlaValues.toTla(u),
                TlaValues.toTla(status)));
            assertThat(java).as("%s in %s of %s", status, u, book).isEqualTo(spec);
            List<Object> withStatus = new ArrayList<>();
            book.forEach((p, e) -> {
              if (u.contains(p) && status.equals(((Map<?, ?>) e).get("status"))) {
                withStatus.add(p);
              }
            });
            List<Set<Object>> answers = new ArrayList<>();
            answers.add(Set.of());
            answers.add(pick(withStatus, r, 1 + r.nextInt(8)));
            answers.add(pick(new ArrayList<>(all), r, 1 + r.nextInt(8)));
            Set<Object> plusOne = new java.util.LinkedHashSet<>(pick(withStatus, r, 3));
            plusOne.add(peers.get(r.nextInt(peers.size())));
            answers.add(plusOne);
            for (Set<Object> a : answers) {
              boolean holds = tla.holds("SubsetWithStatus", any, a, u, book, status);
              Value j = TraceOperators.SubsetWithStatus(TlaValues.toTla(a), TlaValues.toTla(u), TlaValues.toTla(book),
                  TlaValues.toTla(status));
              assertThat(j).as("%s of %s with %s in %s", a, u, status, book)
                  .isEqualTo(holds ? BoolValue.ValTrue : BoolValue.ValFalse);
              subsets += holds && !a.isEmpty() ? 1 : 0;
              notSubsets += holds ? 0 : 1;
            }
          }
        }
      }
      assertThat(subsets).as("non-empty answers that are subsets").isGreaterThan(500);
      assertThat(notSubsets).as("answers that are not").isGreaterThan(500);

      // CountsOf: the connections, evictions and dials of the run's states, and random ones,
      // against random unconditional peers
      List<String> directions = List.of("inbound", "outbound");
      int counted = 0;
      for (int i = 0; i < states.size() + 200; i++) {
        Object connected;
        Object evicting;
        Object dialing;
        if (i < states.size()) {
          connected = states.get(i).get("connected");
          evicting = states.get(i).get("evicting");
          dialing = states.get(i).get("dialing");
        } else {
          Map<Object, Object> c = new LinkedHashMap<>();
          Map<Object, Object> e = new LinkedHashMap<>();
          Set<Object> d = new java.util.LinkedHashSet<>();
          for (Object p : peers) {
            int k = r.nextInt(10);
            if (k < 3) {
              c.put(p, directions.get(r.nextInt(2)));
              if (k == 0) {
                e.put(p, "above_max_threshold");
              }
            } else if (k == 3) {
              d.add(p);
            }
          }
          connected = c;
          evicting = e;
          dialing = d;
        }
        Set<Object> unconditional = new java.util.LinkedHashSet<>();
        for (Object p : peers) {
          if (r.nextInt(6) == 0) {
            unconditional.add(p);
          }
        }
        Object spec = tla.eval("CountsOf", any, connected, evicting, dialing, unconditional);
        Object java = TlaValues.fromTla(TraceOperators.CountsOf(TlaValues.toTla(connected), TlaValues.toTla(evicting),
            TlaValues.toTla(dialing), TlaValues.toTla(unconditional)));
        assertThat(java).as("counts of %s, %s, %s without %s", connected, evicting, dialing, unconditional)
            .isEqualTo(spec);
        counted += ((Map<?, ?>) spec).get("connectedAll") instanceof Integer n && n > 0 ? 1 : 0;
      }
      assertThat(counted).as("counts with connections").isGreaterThan(200);
      assertThatThrownBy(() -> TraceOperators.CountsOf(TlaValues.toTla(Set.of("n1")), TlaValues.toTla(Map.of()),
          TlaValues.toTla(Set.of()), TlaValues.toTla(Set.of()))).hasMessageContaining("CountsOf: not a function");

      // TracePut and TraceDel: the connections of the run's states and random functions (the
      // empty one among them), a key in the domain or not, compared as TLC compares the lazy
      // functions of their definitions
      int put = 0;
      int deleted = 0;
      for (int i = 0; i < states.size() + 200; i++) {
        Map<Object, Object> f = new LinkedHashMap<>();
        if (i < states.size()) {
          f.putAll((Map<?, ?>) states.get(i).get("connected"));
        } else {
          for (Object p : peers) {
            if (r.nextInt(4) == 0) {
              f.put(p, r.nextInt(3));
            }
          }
        }
        Object k = r.nextBoolean() && !f.isEmpty() ? new ArrayList<>(f.keySet()).get(r.nextInt(f.size()))
            : peers.get(r.nextInt(peers.size()));
        Object v = i < states.size() ? directions.get(r.nextInt(2)) : r.nextInt(3);
        Value fv = TlaValues.toTla(f);
        Object spec = tla.eval("TracePut", any, f, k, v);
        Value java = TraceOperators.TracePut(fv, TlaValues.toTla(k), TlaValues.toTla(v));
        assertThat(TlaValues.fromTla(java)).as("%s with %s -> %s", f, k, v).isEqualTo(spec);
        assertThat(java.equals(TlaValues.toTla(spec))).isTrue();
        put += f.containsKey(k) ? 0 : 1;
        Object specDel = tla.eval("TraceDel", any, f, k);
        Value javaDel = TraceOperators.TraceDel(TlaValues.toTla(f), TlaValues.toTla(k));
        assertThat(TlaValues.fromTla(javaDel)).as("%s without %s", f, k).isEqualTo(specDel);
        assertThat(javaDel.equals(TlaValues.toTla(specDel))).isTrue();
        deleted += f.containsKey(k) ? 1 : 0;
      }
      assertThat(put).as("keys added").isGreaterThan(50);
      assertThat(deleted).as("keys removed").isGreaterThan(50);

      // ScoreOf: the run's scores and random ones, every kind of entry, peers that score most,
      // bounds that cap and floor
      int capped = 0;
      int lowered = 0;
      for (int i = 0; i < books.size(); i++) {
        Map<?, ?> book = books.get(i);
        Map<Object, Object> sc = new LinkedHashMap<>();
        if (i < states.size()) {
          sc.putAll((Map<?, ?>) states.get(i).get("scores"));
        }
        for (Object p : peers) {
          if (r.nextInt(4) == 0) {
            sc.put(p, r.nextInt(9) - 4);
          }
        }
        Set<Object> top = pick(new ArrayList<>(peers), r, 3);
        int max = r.nextInt(4);
        int min = -r.nextInt(4);
        for (int k = 0; k < 5; k++) {
          Object p = peers.get(r.nextInt(peers.size()));
          Object spec = tla.eval("ScoreOf", any, p, sc, book, top, max, min, max + 1);
          Object java = TlaValues.fromTla(TraceOperators.ScoreOf(TlaValues.toTla(p), TlaValues.toTla(sc),
              TlaValues.toTla(book), TlaValues.toTla(top), TlaValues.toTla(max), TlaValues.toTla(min),
              TlaValues.toTla(max + 1)));
          assertThat(java).as("score of %s from %s, %s, top %s, %d..%d", p, sc, book.get(p), top, min, max)
              .isEqualTo(spec);
          capped += sc.get(p) instanceof Integer n && n > max && !top.contains(p) ? 1 : 0;
          lowered += "known".equals(((Map<?, ?>) book.get(p)).get("status"))
              && !Integer.valueOf(0).equals(((Map<?, ?>) book.get(p)).get("attempts")) ? 1 : 0;
        }
      }
      assertThat(capped).as("scores capped").isGreaterThan(50);
      assertThat(lowered).as("known entries with attempts").isGreaterThan(50);

      // One U, the same TLC value, with books over all of it and books over parts of it, in
      // turn: ExpiredBans, CountWithStatus and SubsetWithStatus take a shorter way when U is the
      // book's domain, and the longer one otherwise
      Value peersOnce = TlaValues.toTla(all);
      int remembered = 0;
      for (int i = 0; i + 1 < books.size(); i += 3) {
        Map<Object, Object> part = new LinkedHashMap<>();
        books.get(i).forEach((p, e) -> {
          if (r.nextInt(3) > 0) {
            part.put(p, e);
          }
        });
        for (Map<?, ?> b : List.of(books.get(i), part, books.get(i + 1), part)) {
          Object spec = tla.eval("ExpiredBans", any, all, b, Set.of(), books.get(i + 1), Set.of());
          Object java = TlaValues.fromTla(TraceOperators.ExpiredBans(peersOnce, TlaValues.toTla(b),
              TlaValues.toTla(Set.of()), TlaValues.toTla(books.get(i + 1)), TlaValues.toTla(Set.of())));
          assertThat(java).as("bans of %s expired in %s", b, books.get(i + 1)).isEqualTo(spec);
          Set<Object> knownInB = new java.util.LinkedHashSet<>();
          b.forEach((p, e) -> {
            if ("known".equals(((Map<?, ?>) e).get("status"))) {
              knownInB.add(p);
            }
          });
          assertThat(TraceOperators.SubsetWithStatus(TlaValues.toTla(knownInB), peersOnce, TlaValues.toTla(b),
              TlaValues.toTla("known"))).isEqualTo(BoolValue.ValTrue);
          if (b.size() == peers.size()) {
            assertThat(TlaValues.fromTla(TraceOperators.CountWithStatus(TlaValues.toTla(b), peersOnce,
                TlaValues.toTla("known")))).isEqualTo(tla.eval("CountWithStatus", any, b, all, "known"));
          }
          remembered += ((Set<?>) spec).isEmpty() ? 0 : 1;
        }
      }
      assertThat(remembered).as("expired bans found with one U").isGreaterThan(20);
      // one book, the same TLC value, with U all of its domain and then a part of it; and a later
      // book without some peers that were not banned (its domain no longer U)
      int shortened = 0;
      for (int i = 0; i + 1 < books.size(); i += 3) {
        Map<?, ?> b = books.get(i);
        Value bv = TlaValues.toTla(b);
        Set<Object> part = pick(new ArrayList<>(peers), r, peers.size() / 2);
        Map<Object, Object> later = new LinkedHashMap<>(books.get(i + 1));
        for (Object p : peers) {
          if (!"banned".equals(((Map<?, ?>) b.get(p)).get("status")) && r.nextInt(4) == 0) {
            later.remove(p);
          }
        }
        for (Object[] u : List.of(new Object[] {all, peersOnce}, new Object[] {part, TlaValues.toTla(part)})) {
          for (Map<?, ?> c : List.of(books.get(i + 1), later)) {
            Object spec = tla.eval("ExpiredBans", any, u[0], b, Set.of(), c, Set.of());
            Object java = TlaValues.fromTla(TraceOperators.ExpiredBans((Value) u[1], bv, TlaValues.toTla(Set.of()),
                TlaValues.toTla(c), TlaValues.toTla(Set.of())));
            assertThat(java).as("bans of %s in %s expired in %s", u[0], b, c).isEqualTo(spec);
            shortened += c == later && !((Set<?>) spec).isEmpty() ? 1 : 0;
          }
        }
      }
      assertThat(shortened).as("expired bans found in shortened books").isGreaterThan(20);

      // StatusOf: every peer of the run's and the random books
      Map<Object, Integer> statusesSeen = new java.util.HashMap<>();
      for (Map<?, ?> b : books) {
        Value bv = TlaValues.toTla(b);
        for (Object p : pick(new ArrayList<>(peers), r, 8)) {
          Object spec = tla.eval("StatusOf", any, b, p);
          Object java = TlaValues.fromTla(TraceOperators.StatusOf(bv, TlaValues.toTla(p)));
          assertThat(java).as("status of %s in %s", p, b).isEqualTo(spec);
          statusesSeen.merge(spec, 1, Integer::sum);
        }
      }
      assertThat(statusesSeen).as("statuses read").containsKeys("known", "banned", "unknown")
          .allSatisfy((status, n) -> assertThat(n).isGreaterThan(100));
      Map<Object, Object> withoutStatus = new LinkedHashMap<>(books.get(0));
      withoutStatus.put(peers.get(0), Map.of("attempts", 0));
      assertThatThrownBy(() -> TraceOperators.StatusOf(TlaValues.toTla(withoutStatus), TlaValues.toTla(peers.get(0))))
          .hasMessageContaining("without a status");
      assertThatThrownBy(() -> TraceOperators.StatusOf(TlaValues.toTla(books.get(0)), TlaValues.toTla("n1")))
          .hasMessageContaining("\"n1\", which is not in the domain");

      // a ban by ID of a peer outside the later book's domain: the error TLC gives
      Value book = TlaValues.toTla(books.get(0));
      Value outside = TlaValues.toTla(Set.of("n1"));
      Value none = TlaValues.toTla(Set.of());
      assertThatThrownBy(() -> TraceOperators.ExpiredBans(TlaValues.toTla(Set.copyOf(peers)), book, outside, book, none))
          .hasMessageContaining("not in the domain");
    }
  }

  private static Set<Object> pick(List<Object> from, Random r, int n) {
    Set<Object> out = new java.util.LinkedHashSet<>();
    for (int i = 0; i < n && !from.isEmpty(); i++) {
      out.add(from.get(r.nextInt(from.size())));
    }
    return out;
  }
}
