----------------------------- MODULE PeerManager -----------------------------
(***************************************************************************)
(* The PeerManager of Cairn (core-fsm, dev.cairn.core.peer), one-to-one:   *)
(*  - each PeerEvent record is an action of the same name;                 *)
(*  - each PeerState component is a VARIABLE of the same name (prng        *)
(*    excepted: Java's PRNG is how Java picks one branch of an \E here);   *)
(*  - each PeerConfig bound is a CONSTANT (capitalised);                   *)
(*  - each PeerInvariants constant is an invariant of the same name;       *)
(*  - outbox holds the effects (PeerEffect) of the last action.            *)
(* Every accepted event, except PeerReady and the refusals that leave the  *)
(* state alone, ends with Maintain (Java: Tx.finish -> maintain).          *)
(*                                                                         *)
(* Abstractions (see spec-tla/README.md):                                  *)
(*  - Time. No clock: a timer is armed or not (timers is a set of keys);   *)
(*    TimerFired(fired) fires any non-empty set of armed timers, which     *)
(*    over-approximates "every timer whose deadline passed". Ban expiry is *)
(*    nondeterministic at the points where Java reinstates expired bans.   *)
(*  - Addresses. One address per peer: dialing is a set of peers,          *)
(*    connected maps a peer to its direction; Java's addresses are         *)
(*    projected away by the refinement mapping.                            *)
(*  - The address book is per-peer data (unknown / known / banned, and the *)
(*    failed-dial count); buckets and placement are Java-only (jqwik).     *)
(*    Which entries a full new bucket pushes out of the book is the        *)
(*    environment's (ForgetChoices), bounded by what Java can push out.    *)
(*  - Counters saturate at small constants (ScoreMin..ScoreMax,            *)
(*    MaxDialAttempts, PersistentFailureCap) so the state space is finite. *)
(***************************************************************************)
EXTENDS Integers, FiniteSets

CONSTANTS
  Peer,                   \* the other nodes (model values)
  Self,                   \* our own ID (PeerConfig.self())
  Persistent,             \* ids of PeerConfig.persistentPeers
  Unconditional,          \* PeerConfig.unconditionalPeerIds
  MaxInbound,             \* PeerConfig.maxInbound
  MaxOutbound,            \* PeerConfig.maxOutbound
  MaxConnected,           \* PeerConfig.maxConnected
  MaxConnectedUpgrade,    \* PeerConfig.maxConnectedUpgrade
  MinThreshold,           \* PeerConfig.minThreshold
  MinTarget,              \* PeerConfig.minTarget
  MaxTarget,              \* PeerConfig.maxTarget
  MaxThreshold,           \* PeerConfig.maxThreshold
  MaxDialAttempts,        \* PeerConfig.maxDialAttempts
  DisconnectCooldownOn,   \* PeerConfig.disconnectCooldown > 0
  ScoreMin,               \* PeerManager.SCORE_MIN (abstracted: small)
  ScoreMax,               \* PeerManager.SCORE_MUTABLE_MAX (abstracted: small)
  PersistentFailureCap,   \* saturation of persistentDialFailures (Java: Integer.MAX_VALUE)
  SeedMode,               \* PeerConfig.seedMode (from PexConfig.seedMode in the composition)
  IdleInboundEviction,    \* PeerConfig.idleInboundEviction
  Private,                \* BookConfig.privateIds: IDs the book refuses (Pex.tla's, in the composition)
  NewBucketSize,          \* BookConfig.newBucketSize: a new bucket is full at this many entries
  MaxBanned,              \* BookConfig.maxBanned: the most bans kept in the book, and by ID
  MaxAddressesPerEvent,   \* PeerManager.MAX_ADDRESSES_PER_EVENT: the most addresses one AddressesLearned stores
  Seeds                   \* PeerConfig.seedIds: never picked from the book (Pex.tla's, in the composition)

ASSUME ConfigValid ==
  /\ Self \notin Peer
  /\ Persistent \subseteq Peer /\ Unconditional \subseteq Peer /\ Private \subseteq Peer
  /\ Seeds \subseteq Peer
  /\ NewBucketSize \in Nat \ {0}
  /\ MaxBanned \in Nat \ {0}
  /\ MaxAddressesPerEvent \in Nat \ {0}
  /\ \A n \in {MaxInbound, MaxOutbound, MaxConnected, MaxConnectedUpgrade} : n \in Nat
  /\ MaxOutbound <= MaxConnected /\ MaxInbound <= MaxConnected
  /\ MaxConnected <= MaxInbound + MaxOutbound
  /\ 0 <= MinThreshold /\ MinThreshold < MinTarget /\ MinTarget <= MaxTarget
  /\ MaxTarget < MaxThreshold /\ MaxThreshold <= MaxConnected
  /\ MaxDialAttempts \in Nat \ {0}
  /\ DisconnectCooldownOn \in BOOLEAN
  /\ ScoreMin \in Int /\ ScoreMax \in Nat /\ ScoreMin <= 0
  /\ PersistentFailureCap \in Nat \ {0}
  /\ SeedMode \in BOOLEAN
  /\ IdleInboundEviction \in BOOLEAN
  /\ Cardinality(Persistent \ Unconditional) <= MaxOutbound

Node == Peer \cup {Self}
Direction == {"inbound", "outbound"}
Reason == {"banned", "self", "duplicate", "not_dialing", "full",
           "evicted_for_upgrade", "errored", "above_max_threshold", "evicted_idle"}
BookStatus == {"unknown", "known", "banned"}
Feedback == {"good", "bad"}
MaintenanceKey == [kind |-> "Maintenance"]
TimerKey == {MaintenanceKey}
            \cup [kind : {"RetryDial", "DisconnectCooldown"}, peer : Peer]
RetryDial(p) == [kind |-> "RetryDial", peer |-> p]
DisconnectCooldown(p) == [kind |-> "DisconnectCooldown", peer |-> p]
ScorePersistent == ScoreMax + 1          \* PeerManager.SCORE_PERSISTENT

\* PeerEffect records
Dial(p) == [type |-> "Dial", peer |-> p]
Disconnect(p, r) == [type |-> "Disconnect", peer |-> p, reason |-> r]
PublishPeerUpdate(p, st) == [type |-> "PublishPeerUpdate", peer |-> p, status |-> st]
PersistBook == [type |-> "PersistBook"]

VARIABLES
  book,                   \* Peer -> [status, attempts]
  dialing,                \* peers with a dial in flight
  connected,              \* admitted connections: peer -> direction
  ready,                  \* connected peers the router routes
  evicting,               \* peer -> reason, awaiting PeerDisconnected
  upgrading,              \* victim -> upgrader
  scores,                 \* peer -> mutable score
  persistentDialFailures, \* persistent peer -> consecutive failed dials
  timers,                 \* armed timer keys
  started,
  bannedIds,              \* peers banned by ID only (connected inbound, not in the book)
  idleInbound,            \* inbound peers (limited, not persistent) not reported good since admitted
  outbox                  \* effects of the last action (a set)

vars == <<book, dialing, connected, ready, evicting, upgrading, scores,
          persistentDialFailures, timers, started, bannedIds, idleInbound, outbox>>

-----------------------------------------------------------------------------
(* Small helpers on functions with a varying domain.                      *)
Put(f, k, v) == [x \in DOMAIN f \cup {k} |-> IF x = k THEN v ELSE f[x]]
Del(f, k) == [x \in DOMAIN f \ {k} |-> f[x]]
Min(a, b) == IF a < b THEN a ELSE b
Max(a, b) == IF a > b THEN a ELSE b
EmptyFcn == [x \in {} |-> 0]

(* The state as one record, so that a step can be built in stages as Java's *)
(* Tx does; `out` collects the effects.                                     *)
Cur == [book |-> book, dialing |-> dialing, connected |-> connected,
        ready |-> ready, evicting |-> evicting, upgrading |-> upgrading,
        scores |-> scores, persistentDialFailures |-> persistentDialFailures,
        timers |-> timers, started |-> started, bannedIds |-> bannedIds,
        idleInbound |-> idleInbound, out |-> {}]

\* The books b and c are equal. A definition of its own so that a check of a
\* recorded step can evaluate it in Java (TraceCore.tla TraceSameBook), where a
\* book and the steps' edits of it share their unchanged entries.
SameBook(b, c) == b = c

Commit(st) ==
  /\ SameBook(book', st.book) /\ dialing' = st.dialing /\ connected' = st.connected
  /\ ready' = st.ready /\ evicting' = st.evicting /\ upgrading' = st.upgrading
  /\ scores' = st.scores /\ persistentDialFailures' = st.persistentDialFailures
  /\ timers' = st.timers /\ started' = st.started /\ bannedIds' = st.bannedIds
  /\ idleInbound' = st.idleInbound /\ outbox' = st.out

Limited(p) == p \notin Unconditional
Known(st, p) == st.book[p].status = "known"
BookBanned(st, p) == st.book[p].status = "banned"
\* PeerManager.isBanned: in the book, or by ID only (bannedIds)
Banned(st, p) == BookBanned(st, p) \/ p \in st.bannedIds
Occupied(st) == {p \in DOMAIN st.connected : Limited(p) /\ p \notin DOMAIN st.evicting}

(* PeerManager.counts *)
Counts(st) ==
  LET occupied == Occupied(st)
      in  == Cardinality({p \in occupied : st.connected[p] = "inbound"})
      out == Cardinality({p \in occupied : st.connected[p] = "outbound"})
  IN [inbound |-> in, outbound |-> out,
      dialing |-> Cardinality({p \in st.dialing : Limited(p)}),
      connectedNotEvicting |-> in + out,
      connectedAll |-> Cardinality({p \in DOMAIN st.connected : Limited(p)})]

(* PeerManager.score *)
Score(st, p) ==
  IF p \in Persistent \cup Unconditional THEN ScorePersistent
  ELSE LET mutable == IF p \in DOMAIN st.scores THEN Min(ScoreMax, st.scores[p]) ELSE 0
           entry == st.book[p]   \* read once: TLC finds it by walking the book's domain
           failures == IF entry.status = "known" THEN entry.attempts ELSE 0   \* Known(st, p)
       IN Max(ScoreMin, mutable - failures)

(* PeerManager.findVictim: the lowest-scored eligible victims; Java takes   *)
(* the smallest ID among them, one branch of the choice. The lowest scores  *)
(* are found through the set of scores (levels), each victim's score read   *)
(* once: a function of the scores, applied to each pair of victims, would  *)
(* have TLC compute a score twice per pair.                                 *)
Victims(st, cand, dirs) ==
  LET own == Score(st, cand)
      V == {v \in DOMAIN st.connected :
              /\ Limited(v) /\ v \notin DOMAIN st.evicting
              /\ st.connected[v] \in dirs
              /\ (v \notin DOMAIN st.upgrading \/ st.upgrading[v] = cand)
              /\ Score(st, v) < own}
      levels == {Score(st, v) : v \in V}
  IN {v \in V : LET s == Score(st, v) IN \A n \in levels : s <= n}

(* Choices of PeerManager.admission / dialRoom: {} means refused; {{}} a     *)
(* free slot; {{v}, ...} the slot of victim v.                               *)
Admission(st, p, dir) ==
  IF ~Limited(p) THEN {{}}
  ELSE LET c == Counts(st)
           dirFull == IF dir = "inbound" THEN c.inbound >= MaxInbound
                      ELSE c.outbound + c.dialing >= MaxOutbound
           totalFull == c.connectedNotEvicting >= MaxConnected
       IN IF c.connectedAll >= MaxConnected + MaxConnectedUpgrade THEN {}
          ELSE IF ~dirFull /\ ~totalFull THEN {{}}
          ELSE {{v} : v \in Victims(st, p, IF dirFull THEN {dir} ELSE Direction)}

(* PeerManager.idleVictim: when Admission refuses an inbound newcomer p, the  *)
(* slot of an idle inbound peer (not evicting, not reserved by an upgrade),   *)
(* if one more connection may be opened beside the closing one. Java takes   *)
(* the one admitted longest ago (ties: the smallest ID), one branch here.    *)
IdleVictims(st, p) ==
  IF ~Limited(p) \/ Counts(st).connectedAll >= MaxConnected + MaxConnectedUpgrade THEN {}
  ELSE {v \in st.idleInbound : v \notin DOMAIN st.evicting /\ v \notin DOMAIN st.upgrading}

(* A dial is refused when as many are in flight as outbound and upgrade      *)
(* slots together: an upgrade dial whose reservation was dropped (its       *)
(* victim's score rose) keeps dialing, and the upgrades that followed it    *)
(* would otherwise pile dials up past the limit (core revision 5).          *)
DialRoom(st, p) ==
  IF ~Limited(p) THEN {{}}
  ELSE LET c == Counts(st)
           outFull == c.outbound + c.dialing >= MaxOutbound
           totalFull == c.connectedNotEvicting + c.dialing >= MaxConnected
       IN IF \/ c.connectedAll + c.dialing >= MaxConnected + MaxConnectedUpgrade
             \/ c.dialing >= MaxOutbound + MaxConnectedUpgrade THEN {}
          ELSE IF ~outFull /\ ~totalFull THEN {{}}
          ELSE {{v} : v \in Victims(st, p, IF outFull THEN {"outbound"} ELSE Direction)}

-----------------------------------------------------------------------------
(* Leaf helpers of Java's Tx, each state -> state.                          *)

Emit(st, e) == [st EXCEPT !.out = @ \cup {e}]

StopDialing(st, p) ==
  [st EXCEPT !.dialing = @ \ {p},
             !.upgrading = [v \in {x \in DOMAIN @ : @[x] # p} |-> @[v]]]

DialIn(st, p, victims) ==
  Emit([st EXCEPT !.dialing = @ \cup {p},
                  !.upgrading = [v \in DOMAIN @ \cup victims |->
                                   IF v \in victims THEN p ELSE @[v]]], Dial(p))

Evict(st, p, r) ==
  Emit([st EXCEPT !.evicting = Put(@, p, r), !.upgrading = Del(@, p)], Disconnect(p, r))

EvictSet(st, E, r) ==
  [st EXCEPT !.evicting = [x \in DOMAIN @ \cup E |-> IF x \in E THEN r ELSE @[x]],
             !.upgrading = [x \in DOMAIN @ \ E |-> @[x]],
             !.out = @ \cup {Disconnect(e, r) : e \in E}]

Connect(st, p, dir, victims) ==
  LET c == [st EXCEPT !.connected = Put(@, p, dir)]
  IN EvictSet(c, victims, "evicted_for_upgrade")

Arm(st, k) == [st EXCEPT !.timers = @ \cup {k}]
Cancel(st, k) == [st EXCEPT !.timers = @ \ {k}]

\* Tx.coolDown
CoolDown(st, p) ==
  IF DisconnectCooldownOn /\ (p \in Persistent \/ Known(st, p))
  THEN Arm(st, DisconnectCooldown(p)) ELSE st

(* The environment's choices inside a step (which bans expired, which peers *)
(* a trim or a random book pick takes) are each the set of one operator       *)
(* below, {c \in SUBSET universe : condition}. A check of a recorded step     *)
(* (TraceCore.tla) ranges over the part of the universe that the step's       *)
(* successor shows, under the same condition.                                 *)

\* AddressBook.Draft.expireNew: storing an entry in a full new bucket first drops
\* one of the bucket's entries, and an entry dropped from its last bucket leaves
\* the book. The spec has no buckets, so which known peers leave is a choice: any
\* of them (but those in keep), at most one per entry the step stores (adds), and
\* only once the book knows NewBucketSize peers (a bucket cannot be full before).
MayPushOut(st, adds) == adds > 0 /\ Cardinality({p \in Peer : Known(st, p)}) >= NewBucketSize
ForgetChoices(st, keep, adds) ==
  IF ~MayPushOut(st, adds) THEN {{}}
  ELSE {F \in SUBSET {p \in Peer \ keep : Known(st, p)} : Cardinality(F) <= adds}

\* The peers of F unknown again, one EXCEPT per peer (as KnowAll).
RECURSIVE ForgetAll(_, _)
ForgetAll(b, F) ==
  IF F = {} THEN b
  ELSE LET p == CHOOSE q \in F : TRUE
       IN ForgetAll([b EXCEPT ![p] = [status |-> "unknown", attempts |-> 0]], F \ {p})

\* Tx.forget and Tx.pruneForgotten: the peers F left the book, and with them their
\* timers (a persistent peer's excepted) and the scores of those not connected.
Forget(st, F) ==
  IF F = {} THEN st
  ELSE [st EXCEPT !.book = ForgetAll(@, F),
                  !.timers = {k \in @ : k = MaintenanceKey \/ k.peer \notin F \ Persistent},
                  !.scores = [q \in DOMAIN @ \ (F \ DOMAIN st.connected) |-> @[q]]]

\* AddressBook.addAll: a known peer of the batch L that a full bucket pushed out
\* before the batch came to it is stored again, as a fresh entry (no failed dials;
\* its timers and score stay). Only a peer with failed dials shows it. Each such
\* peer, as each of F, was pushed out by one of the adds entries the batch stored.
RenewChoices(st, L, F, adds) ==
  IF ~MayPushOut(st, adds) THEN {{}}
  ELSE {R \in SUBSET {p \in L \ F : Known(st, p) /\ st.book[p].attempts > 0} :
          Cardinality(F) + Cardinality(R) <= adds}

RECURSIVE RenewAll(_, _)
RenewAll(b, R) ==
  IF R = {} THEN b
  ELSE LET p == CHOOSE q \in R : TRUE
       IN RenewAll([b EXCEPT ![p].attempts = 0], R \ {p})

Renew(st, R) == IF R = {} THEN st ELSE [st EXCEPT !.book = RenewAll(@, R)]

\* The bans that may have expired: any of them.
ReinstateUniverse(st) == {p \in Peer : BookBanned(st, p)} \cup st.bannedIds
ReinstateChoices(st) == SUBSET ReinstateUniverse(st)

\* Tx.reinstateExpiredBans and Tx.liftExpiredBansById: which bans expired is
\* the environment's (wall time). An expired book ban makes the peer known
\* again, unless the book refuses its ID (AddressBook.liftBan: a private ID's
\* ban and entry are forgotten, as v0.34's ReinstateBadPeers re-adds through
\* addAddress, which refuses it); an expired ban by ID is forgotten and adds
\* nothing to the book. An entry back in the book may push others out of it.
Reinstated(st) ==
  UNION {LET r == IF E = {} THEN st  \* (the same value as below: DOMAIN st.book = Peer)
                  ELSE [st EXCEPT !.book = [p \in Peer |-> IF p \in E /\ BookBanned(st, p)
                                                        THEN IF p \in Private
                                                             THEN [status |-> "unknown", attempts |-> 0]
                                                             ELSE [@[p] EXCEPT !.status = "known"]
                                                        ELSE @[p]],
                              !.bannedIds = @ \ E]
             \* each entry back in the book is stored in a new bucket
             back == IF E = {} THEN 0 ELSE Cardinality({p \in E : BookBanned(st, p) /\ p \notin Private})
         IN {Forget(r, F) : F \in ForgetChoices(r, {}, back)} :
           E \in ReinstateChoices(st)}

\* AddressBook.Draft.addBan and Tx.banById: a ban recorded past MaxBanned bans
\* (the book's, or those by ID) drops the ban that expires first. Time is
\* abstract here, so it is any one of them, the new one included.
BookBanDrops(st) ==
  LET B == {q \in Peer : BookBanned(st, q)}
  IN IF Cardinality(B) <= MaxBanned THEN {{}} ELSE {{q} : q \in B}
IdBanDrops(st) ==
  IF Cardinality(st.bannedIds) <= MaxBanned THEN {{}} ELSE {{q} : q \in st.bannedIds}

\* Tx.ban: a peer in the book, dialed or connected outbound (a dialable
\* address) is banned in the book, one record per peer; one connected inbound
\* and not in the book by its ID alone (its remote socket is not dialable);
\* any other peer leaves no record. A peer whose book ban is dropped (D) is
\* unknown; one whose ban by ID is, is banned no more.
Ban(st, p) ==
  LET inBook == \/ Known(st, p) \/ BookBanned(st, p) \/ p \in st.dialing
                \/ p \in DOMAIN st.connected /\ st.connected[p] = "outbound"
      b == IF inBook
           THEN [st EXCEPT !.book[p].status = "banned", !.bannedIds = @ \ {p}]
           ELSE IF p \in DOMAIN st.connected
           THEN [st EXCEPT !.bannedIds = @ \cup {p}]
           ELSE st
  IN {LET c == IF D = {} THEN b
               ELSE IF inBook THEN [b EXCEPT !.book = ForgetAll(@, D)]
               ELSE [b EXCEPT !.bannedIds = @ \ D]
          d == IF p \in c.dialing THEN StopDialing(c, p) ELSE c
          e == IF p \in DOMAIN d.connected /\ p \notin DOMAIN d.evicting
               THEN Evict(d, p, "banned") ELSE d
          t == Cancel(Cancel(e, RetryDial(p)), DisconnectCooldown(p))
      IN IF p \in DOMAIN t.connected THEN t ELSE [t EXCEPT !.scores = Del(@, p)] :
        D \in IF inBook THEN BookBanDrops(b) ELSE IdBanDrops(b)}

-----------------------------------------------------------------------------
(* Maintain (PeerManager.maintain): a set of possible results.              *)

\* Whether connected peer e goes before o in a trim: inbound peers first (the
\* outbound ones are those the node chose: eclipse resistance), then the lower
\* score.
TrimsFirst(st, e, o) ==
  IF st.connected[e] = st.connected[o] THEN Score(st, e) <= Score(st, o)
  ELSE st.connected[e] = "inbound"

\* The k first of cand in trim order (ties: any of them).
IsTrim(st, cand, k, E) ==
  /\ Cardinality(E) = k
  /\ \A e \in E, o \in cand \ E : TrimsFirst(st, e, o)
TrimChoices(st, cand, k) == {E \in SUBSET cand : IsTrim(st, cand, k, E)}

\* trimAboveMaxThreshold: non-persistent limited peers, inbound first, then the
\* lowest-scored.
Trim(st) ==
  LET n == Counts(st).connectedNotEvicting
      cand == {p \in DOMAIN st.connected :
                 Limited(p) /\ p \notin Persistent /\ p \notin DOMAIN st.evicting}
      k == Min(n - MaxTarget, Cardinality(cand))
  IN IF n <= MaxThreshold THEN {st}
     ELSE {EvictSet(st, E, "above_max_threshold") : E \in TrimChoices(st, cand, k)}

\* PeerManager.dialable
Dialable(st, p) ==
  /\ p # Self
  /\ p \notin DOMAIN st.connected /\ p \notin st.dialing
  /\ RetryDial(p) \notin st.timers /\ DisconnectCooldown(p) \notin st.timers
  /\ ~Banned(st, p)

TryDial(st, p) ==
  IF ~Dialable(st, p) THEN {st}
  ELSE LET room == DialRoom(st, p)
       IN IF room # {} THEN {DialIn(st, p, v) : v \in room} ELSE {st}

\* The persistent peer dialPersistentPeers tries next: any of those left (Java:
\* the least ID).
PersistentNext(todo) == todo

\* dialPersistentPeers, in Java's ID order: here in every order. A peer that is not
\* dialable stays so while others are dialed (TryDial adds only the peer it dials to
\* dialing, and changes upgrading and out, which Dialable does not read), and TryDial
\* leaves the state as it is for it: the results are those of the dialable peers alone,
\* which are all there is to try (none, in most states: every persistent peer connected).
RECURSIVE DialPersistentIn(_, _)
DialPersistentIn(st, todo) ==
  LET dialable == {p \in todo : Dialable(st, p)} IN
  IF dialable = {} THEN {st}
  ELSE UNION {UNION {DialPersistentIn(s2, dialable \ {p}) : s2 \in TryDial(st, p)} :
                p \in PersistentNext(dialable)}

\* Any eligible peers (known, not persistent, not a seed, dialable) up to the budget.
PickEligible(st, p) == Known(st, p) /\ p \notin Persistent /\ p \notin Seeds /\ Dialable(st, p)
IsPick(budget, S) == Cardinality(S) <= Max(budget, 0)
PickChoices(st, budget) == {S \in SUBSET {p \in Peer : PickEligible(st, p)} : IsPick(budget, S)}

\* dialBookPicks: a random pick may miss, so any number of eligible known
\* peers up to the budget is dialed (each into a free slot).
BookPicks(st) ==
  LET c == Counts(st)
      budget == Min(MaxOutbound - (c.outbound + c.dialing),
                    MaxThreshold - (c.connectedNotEvicting + c.dialing))
  IN {[st EXCEPT !.dialing = @ \cup S, !.out = @ \cup {Dial(p) : p \in S}] :
        S \in PickChoices(st, budget)}

\* A seed makes no book picks: it dials persistent peers and PEX's crawls. Nor
\* does a step without picks (~picks): the end of a dial, a retry delay or a
\* cool-down; book picks follow news (an address learned, a slot freed) and the
\* maintenance timer, so that failing dials do not chain into more dials.
Maintain(st, picks) ==
  UNION {UNION {IF SeedMode \/ ~picks THEN {s2} ELSE BookPicks(s2) :
                  s2 \in DialPersistentIn(s1, Persistent)} :
           s1 \in Trim(st)}

\* Tx.finish: maintain once started, then PersistBook when the book changed
\* since s0 (the state the event found).
FinishWith(s0, st, picks) ==
  {IF ~SameBook(r.book, s0.book) THEN Emit(r, PersistBook) ELSE r :
     r \in IF st.started THEN Maintain(st, picks) ELSE {st}}

Finish(s0, st) == FinishWith(s0, st, TRUE)

\* An accepted event with effects only, the state untouched (refusals).
Only(s0, effects) == {[s0 EXCEPT !.out = effects]}

-----------------------------------------------------------------------------
(* The handlers, one per PeerEvent record: s0 (a state record as Cur, with *)
(* out = {}) to the set of possible results; {} means Java rejects the      *)
(* event (Step.rejected). The composition (Core.tla) chains them.          *)

\* @see PeerManager.onStarted
OnStarted(s0) ==
  IF s0.started THEN {}
  ELSE Finish(s0, Arm([s0 EXCEPT !.started = TRUE], MaintenanceKey))

\* The book b with every peer of L known (no attempts): [p \in Peer |-> IF p \in L
\* THEN [status |-> "known", attempts |-> 0] ELSE b[p]], one EXCEPT per peer of L
\* instead of a new function built over all of Peer (which the model of a public
\* node's trace makes a thousand peers long).
RECURSIVE KnowAll(_, _)
KnowAll(b, L) ==
  IF L = {} THEN b
  ELSE LET p == CHOOSE q \in L : TRUE
       IN KnowAll([b EXCEPT ![p] = [status |-> "known", attempts |-> 0]], L \ {p})

\* @see PeerManager.onAddressesLearned (one source; the book filters Self,
\* private IDs and its bans, the PeerManager the bans by ID). L: the peers the
\* book stores (the unknown ones learned, the known ones given one more bucket
\* or none). Each address the batch stores may push a known peer out of a full
\* bucket, and a batch may name a peer at several addresses (each stored, as
\* one more bucket of its entry): the spec, an address per peer, cannot count
\* them, so the bound is the most addresses an event carries.
OnAddressesLearned(s0, addresses) ==
  LET L == {p \in (addresses \cap Peer) \ Private : ~BookBanned(s0, p) /\ p \notin s0.bannedIds}
      st == [s0 EXCEPT !.book = KnowAll(@, {p \in L : @[p].status = "unknown"})]
      stores == IF L = {} THEN 0 ELSE MaxAddressesPerEvent
  IN UNION {UNION {Finish(s0, Renew(Forget(st, F), R)) : R \in RenewChoices(st, L, F, stores)} :
              F \in ForgetChoices(st, {}, stores)}

\* @see PeerManager.onDialRequested
OnDialRequested(s0, p) ==
  IF p = Self \/ p \in DOMAIN s0.connected \/ p \in s0.dialing THEN {}
  ELSE UNION {UNION {Finish(s0, DialIn(st, p, v)) : v \in DialRoom(st, p)} :
                st \in {st \in Reinstated(s0) : ~Banned(st, p)}}

\* @see PeerManager.onDialSucceeded
OnDialSucceeded(s0, p) ==
  IF p \notin s0.dialing
  THEN IF p \in DOMAIN s0.connected /\ s0.connected[p] = "outbound" THEN {} \* same address
       ELSE Only(s0, {Disconnect(p, IF p \in DOMAIN s0.connected THEN "duplicate" ELSE "not_dialing")})
  ELSE LET st == StopDialing(s0, p) IN
       IF Banned(st, p) THEN Finish(s0, Emit(st, Disconnect(p, "banned")))
       ELSE LET admission == Admission(st, p, "outbound") IN
       IF admission = {}
       THEN Finish(s0, CoolDown(Emit(st, Disconnect(p, "full")), p))
       ELSE UNION {LET c == Connect(st, p, "outbound", v)
                       f == [c EXCEPT !.persistentDialFailures = Del(@, p)]
                       g == Cancel(f, RetryDial(p))
                       \* markGood: a promotion into a full old bucket demotes one entry
                       \* to a new bucket, which may push another out of the book
                       h == IF Known(g, p) THEN [g EXCEPT !.book[p].attempts = 0] ELSE g
                   IN UNION {Finish(s0, Forget(h, F)) :
                               F \in ForgetChoices(h, {p}, IF Known(g, p) THEN 1 ELSE 0)} :
                     v \in admission}

\* @see PeerManager.onDialFailed
OnDialFailed(s0, p) ==
  IF p \notin s0.dialing THEN {}
  ELSE LET st == StopDialing(s0, p) IN
     IF p \in Persistent
     THEN LET n == IF p \in DOMAIN st.persistentDialFailures
                   THEN Min(st.persistentDialFailures[p] + 1, PersistentFailureCap) ELSE 1
          IN FinishWith(s0, Arm([st EXCEPT !.persistentDialFailures = Put(@, p, n)], RetryDial(p)), FALSE)
     ELSE IF Known(st, p)
     \* from MaxDialAttempts failures on, the retry delay is unreachableRetryTime (time is
     \* abstract here): given up on for a while, never banned, so its inbound is still accepted
     THEN FinishWith(s0, Arm([st EXCEPT !.book[p].attempts = Min(@ + 1, MaxDialAttempts)], RetryDial(p)), FALSE)
     ELSE FinishWith(s0, st, FALSE)

\* @see PeerManager.onInboundAccepted
OnInboundAccepted(s0, p) ==
  IF p = Self THEN Only(s0, {Disconnect(p, "self")})
  ELSE IF p \in DOMAIN s0.connected THEN Only(s0, {Disconnect(p, "duplicate")})
  ELSE UNION {
         IF Banned(st, p) THEN Finish(s0, Emit(st, Disconnect(p, "banned")))
         ELSE LET s1 == StopDialing(st, p)
                  admission == Admission(s1, p, "inbound")
                  idle == IF admission = {} THEN IdleVictims(s1, p) ELSE {} IN
              IF admission = {} /\ idle = {}
              THEN Finish(s0, Emit(st, Disconnect(p, "full")))   \* our dial goes on
              ELSE UNION {LET c == IF admission = {}
                                   THEN Evict(Connect(s1, p, "inbound", {}), v, "evicted_idle")
                                   ELSE Connect(s1, p, "inbound", v)
                              i == IF IdleInboundEviction /\ Limited(p) /\ p \notin Persistent
                                   THEN [c EXCEPT !.idleInbound = @ \cup {p}] ELSE c
                          IN Finish(s0, [i EXCEPT !.persistentDialFailures = Del(@, p)]) :
                            v \in IF admission = {} THEN idle ELSE admission} :
         st \in Reinstated(s0)}

\* @see PeerManager.onPeerReady (no maintenance)
OnPeerReady(s0, p) ==
  IF p \notin DOMAIN s0.connected \/ p \in s0.ready \/ p \in DOMAIN s0.evicting THEN {}
  ELSE {[s0 EXCEPT !.ready = @ \cup {p}, !.out = {PublishPeerUpdate(p, "up")}]}

\* @see PeerManager.onPeerDisconnected. A node has one address here; Java
\* also gets late events of an earlier socket of a node (a disconnect naming it
\* at another address than its connection's, a dial result at another address
\* than its dial's), tells them by their address and changes nothing. Those are
\* not steps of this spec: trace validation holds Java to changing nothing
\* there (CoreMapping.atAnotherAddress).
OnPeerDisconnected(s0, p) ==
  IF p \notin DOMAIN s0.connected THEN {}
  ELSE LET s1 == [s0 EXCEPT !.connected = Del(@, p), !.evicting = Del(@, p),
                            !.upgrading = Del(@, p), !.idleInbound = @ \ {p}]
           s2 == IF p \in s0.ready
                 THEN Emit([s1 EXCEPT !.ready = @ \ {p}], PublishPeerUpdate(p, "down"))
                 ELSE s1
           s3 == IF Known(s2, p) THEN s2 ELSE [s2 EXCEPT !.scores = Del(@, p)]
       IN Finish(s0, CoolDown(s3, p))

\* @see PeerManager.onPeerErrored
OnPeerErrored(s0, p) ==
  IF p \notin DOMAIN s0.connected THEN {}
  ELSE Finish(s0, IF p \in DOMAIN s0.evicting THEN s0 ELSE Evict(s0, p, "errored"))

\* @see PeerManager.onPeerReported: the first good report of an idle inbound
\* peer (not being evicted: that one leaves as idle) ends its idleness and
\* leaves its score alone; any other report moves the score.
OnPeerReported(s0, p, feedback) ==
  IF p \notin DOMAIN s0.connected THEN {}
  ELSE IF feedback = "good" /\ p \in s0.idleInbound /\ p \notin DOMAIN s0.evicting
  THEN Finish(s0, [s0 EXCEPT !.idleInbound = @ \ {p}])
  ELSE LET old == IF p \in DOMAIN s0.scores THEN s0.scores[p] ELSE 0
           new == IF feedback = "good" THEN Min(ScoreMax, old + 1) ELSE Max(ScoreMin, old - 1)
           s1 == [s0 EXCEPT !.scores = Put(@, p, new)]
           s2 == IF p \in DOMAIN s1.upgrading /\ Score(s1, p) >= Score(s1, s1.upgrading[p])
                 THEN [s1 EXCEPT !.upgrading = Del(@, p)] ELSE s1
       IN Finish(s0, s2)

\* @see PeerManager.onPeerBanned (the duration is positive; Java rejects others)
OnPeerBanned(s0, p) ==
  IF p = Self THEN {}
  ELSE IF p \in Persistent \cup Unconditional
  THEN Finish(s0, IF p \in DOMAIN s0.connected /\ p \notin DOMAIN s0.evicting
                  THEN Evict(s0, p, "banned") ELSE s0)
  ELSE UNION {Finish(s0, r) : r \in Ban(s0, p)}

\* @see PeerManager.onTimerFired: the expired timers are the environment's.
OnTimerFired(s0, fired) ==
  IF fired = {} \/ ~(fired \subseteq s0.timers) THEN {}
  ELSE LET s1 == [s0 EXCEPT !.timers = @ \ fired]
       IN IF MaintenanceKey \in fired
          THEN UNION {Finish(s0, s2) : s2 \in Reinstated(Arm(s1, MaintenanceKey))}
          ELSE FinishWith(s0, s1, FALSE)

-----------------------------------------------------------------------------
(* The actions, one per PeerEvent record: a handler applied to Cur. (Not  *)
(* through a shared operator: TLC names a step after the innermost        *)
(* definition, and counterexamples must name the event.)                  *)

Init ==
  /\ book \in [Peer -> [status : {"unknown", "known"}, attempts : {0}]]
  /\ dialing = {} /\ connected = EmptyFcn /\ ready = {} /\ evicting = EmptyFcn
  /\ upgrading = EmptyFcn /\ scores = EmptyFcn /\ persistentDialFailures = EmptyFcn
  /\ timers = {} /\ started = FALSE /\ bannedIds = {} /\ idleInbound = {} /\ outbox = {}

Started == \E r \in OnStarted(Cur) : Commit(r)
AddressesLearned(addresses) == \E r \in OnAddressesLearned(Cur, addresses) : Commit(r)
DialRequested(p) == \E r \in OnDialRequested(Cur, p) : Commit(r)
DialSucceeded(p) == \E r \in OnDialSucceeded(Cur, p) : Commit(r)
DialFailed(p) == \E r \in OnDialFailed(Cur, p) : Commit(r)
InboundAccepted(p) == \E r \in OnInboundAccepted(Cur, p) : Commit(r)
PeerReady(p) == \E r \in OnPeerReady(Cur, p) : Commit(r)
PeerDisconnected(p) == \E r \in OnPeerDisconnected(Cur, p) : Commit(r)
PeerErrored(p) == \E r \in OnPeerErrored(Cur, p) : Commit(r)
PeerReported(p, feedback) == \E r \in OnPeerReported(Cur, p, feedback) : Commit(r)
PeerBanned(p) == \E r \in OnPeerBanned(Cur, p) : Commit(r)
TimerFired(fired) == \E r \in OnTimerFired(Cur, fired) : Commit(r)

Next ==
  \/ Started
  \/ \E a \in SUBSET Peer : AddressesLearned(a)
  \/ \E p \in Node : DialRequested(p) \/ DialSucceeded(p) \/ InboundAccepted(p)
  \/ \E p \in Peer : DialFailed(p) \/ PeerReady(p) \/ PeerDisconnected(p)
                     \/ PeerErrored(p) \/ PeerBanned(p)
  \/ \E p \in Peer, f \in Feedback : PeerReported(p, f)
  \/ \E f \in SUBSET TimerKey : TimerFired(f)

Spec == Init /\ [][Next]_vars

-----------------------------------------------------------------------------
(* Invariants: the names of PeerInvariants' constants.                      *)

TypeOK ==
  /\ book \in [Peer -> [status : BookStatus, attempts : 0..MaxDialAttempts]]
  /\ dialing \subseteq Peer
  /\ DOMAIN connected \subseteq Peer /\ \A p \in DOMAIN connected : connected[p] \in Direction
  /\ ready \subseteq Peer
  /\ DOMAIN evicting \subseteq Peer /\ \A p \in DOMAIN evicting : evicting[p] \in Reason
  /\ DOMAIN upgrading \subseteq Peer /\ \A v \in DOMAIN upgrading : upgrading[v] \in Peer
  /\ DOMAIN scores \subseteq Peer /\ \A p \in DOMAIN scores : scores[p] \in ScoreMin..ScoreMax
  /\ DOMAIN persistentDialFailures \subseteq Peer
  /\ \A p \in DOMAIN persistentDialFailures : persistentDialFailures[p] \in 1..PersistentFailureCap
  /\ timers \subseteq TimerKey
  /\ started \in BOOLEAN
  /\ bannedIds \subseteq Peer
  /\ idleInbound \subseteq Peer

\* The counts of the current state: Counts reads connected, evicting and
\* dialing only, so the invariants below are given those (a state record of
\* every variable, as Cur, would be built for each use, and would make each
\* of them read every variable).
CountsNow == Counts([connected |-> connected, evicting |-> evicting, dialing |-> dialing])

ConnectedWithinLimit ==
  /\ CountsNow.connectedNotEvicting <= MaxConnected
  /\ CountsNow.connectedAll <= MaxConnected + MaxConnectedUpgrade

OutboundWithinLimit == CountsNow.outbound <= MaxOutbound

InboundWithinLimit == CountsNow.inbound <= MaxInbound

DialingWithinLimit == CountsNow.dialing <= MaxOutbound + MaxConnectedUpgrade

\* One address per peer in the spec: connected and dialing are keyed by peer.
OneConnectionPerPeer == DOMAIN connected \subseteq Peer

OneDialPerPeer == dialing \subseteq Peer

DialingDisjointConnected == dialing \cap DOMAIN connected = {}

ReadyAndEvictingConnected ==
  ready \subseteq DOMAIN connected /\ DOMAIN evicting \subseteq DOMAIN connected

ReservationFromHigherScore ==
  \A v \in DOMAIN upgrading :
    /\ v \in DOMAIN connected /\ v \notin DOMAIN evicting
    /\ upgrading[v] \in dialing
    /\ Score(Cur, upgrading[v]) > Score(Cur, v)

\* Banned reads the book and the bans by ID only (see CountsNow). A peer neither
\* dialed nor connected holds it trivially, so it ranges over those peers alone:
\* the same formula as over all of Peer, at the cost of the few peers in flight
\* instead of every peer the model knows (a public node's trace knows a thousand).
BannedNeverDialedOrAccepted ==
  LET st == [book |-> book, bannedIds |-> bannedIds]
  IN \A p \in (dialing \cup DOMAIN connected) \cap Peer : Banned(st, p) =>
       /\ p \notin dialing
       /\ (p \in DOMAIN connected => p \in DOMAIN evicting)

SelfNeverDialed == Self \notin dialing /\ Self \notin DOMAIN connected

PersistentNeverEvictedForNonPersistent ==
  \A p \in Persistent :
    /\ p \in DOMAIN evicting =>
         evicting[p] \notin {"evicted_for_upgrade", "above_max_threshold", "evicted_idle"}
    /\ p \notin DOMAIN upgrading

\* Idle inbound peers are connected inbound, limited and not persistent: the
\* inbound eviction rule never takes a persistent or unconditional peer.
IdleInboundAreLimitedInbound ==
  \A p \in idleInbound :
    p \in DOMAIN connected /\ connected[p] = "inbound" /\ Limited(p) /\ p \notin Persistent

\* A peer is evicted as idle only while it is idle (no report took it out since).
EvictedIdleOnlyIdle ==
  \A p \in DOMAIN evicting : evicting[p] = "evicted_idle" => p \in idleInbound

TimersOnlyForKnownPeers ==
  \A k \in timers : k # MaintenanceKey => (k.peer \in Persistent \/ book[k.peer].status = "known")

ScoresOnlyForKnownPeers ==
  \A p \in DOMAIN scores : p \in DOMAIN connected \/ book[p].status = "known"

PersistentFailuresOnlyForPersistent == DOMAIN persistentDialFailures \subseteq Persistent

MaintenanceArmedWhenStarted == started => MaintenanceKey \in timers

\* One record per banned peer: never both a ban by ID and a ban in the book.
\* (Both are bounded by MaxBanned: Ban drops one past it.)
\* One record per banned peer, and at most MaxBanned bans by ID (IdBanDrops).
BannedIdsWithinBound ==
  /\ Cardinality(bannedIds) <= MaxBanned
  /\ \A p \in bannedIds : book[p].status # "banned"

-----------------------------------------------------------------------------
(* Liveness. Each property needs only part of the environment to be fair;  *)
(* the MC models (MCPeerManagerLiveness.tla) assume exactly that part:   *)
(*  - TimeFairness: time keeps passing every armed deadline               *)
(*    (TimerFired(timers) cannot stay enabled without happening);          *)
(*  - PickFairness: Java's book pick is random and may miss, which is      *)
(*    strong fairness on "a timer round that dials": if such rounds are    *)
(*    possible again and again, one happens;                               *)
(*  - DialFairness, EvictionFairness: a dial in flight ends, an eviction   *)
(*    ends in PeerDisconnected (the shell and the network are fair).       *)

DialIssued == \E e \in outbox : e.type = "Dial"

TimeFairness == WF_vars(TimerFired(timers))
PickFairness == SF_vars(TimerFired(timers) /\ DialIssued')
DialFairness == \A p \in Peer : WF_vars(DialFailed(p) \/ (p \in dialing /\ DialSucceeded(p)))
EvictionFairness == \A p \in Peer : WF_vars(p \in DOMAIN evicting /\ PeerDisconnected(p))

Fairness == TimeFairness /\ PickFairness /\ DialFairness /\ EvictionFairness

LiveSpec == Spec /\ Fairness

\* A free outbound slot below maxTarget and a dialable book candidate.
FreeSlot ==
  LET c == Counts(Cur)
  IN /\ started
     /\ c.outbound + c.dialing < MaxOutbound
     /\ c.connectedNotEvicting + c.dialing < MaxTarget

DialableCandidate ==
  \E p \in Peer : Known(Cur, p) /\ p \notin Persistent /\ p \notin Seeds /\ Dialable(Cur, p)

FreeSlotLeadsToDial ==
  (FreeSlot /\ DialableCandidate) ~> (DialIssued \/ ~(FreeSlot /\ DialableCandidate))

PersistentEventuallyRetried ==
  \A p \in Persistent :
    (started /\ p \notin dialing /\ p \notin DOMAIN connected)
      ~> (p \in dialing \/ p \in DOMAIN connected)

=============================================================================
