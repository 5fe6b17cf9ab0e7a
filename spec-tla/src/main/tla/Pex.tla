-------------------------------- MODULE Pex --------------------------------
(***************************************************************************)
(* PEX of Cairn (core-fsm, dev.cairn.core.pex), one-to-one:                *)
(*  - each PexEvent record has a handler On<Event> here (Pex.on<Event>);   *)
(*    the composed actions that run them are in Core.tla;                  *)
(*  - each PexState component is a VARIABLE of the same name, except      *)
(*    timers and started, which are pexTimers and pexStarted because the   *)
(*    PeerManager's variables of those names share the namespace; prng is  *)
(*    not a variable (Java's PRNG picks one branch of an \E here);         *)
(*  - each PexConfig bound is a CONSTANT (capitalised);                    *)
(*  - each PexInvariants constant is a property of the same name: a state *)
(*    invariant, or an action property [][A]_vars where Java reads the     *)
(*    state before the step or the event.                                  *)
(* PEX reads the PeerManager (PeerView): its constants and variables, here *)
(* a PeerManager state record v (PeerManager!Cur). A handler maps a PEX    *)
(* state record x (PexCur) and v to the set of possible results; x.out     *)
(* collects the shell effects and x.handoffs the PexEffect.HandOffs, which *)
(* Core.tla applies to the PeerManager in the same step. {} = rejected.    *)
(*                                                                         *)
(* Abstractions (see spec-tla/README.md):                                  *)
(*  - Time. lastAddrsReceived maps a peer to whether the window its last   *)
(*    answer opened is still open; the windows that passed are chosen     *)
(*    when a round runs (the only time Java compares). A request beyond    *)
(*    the free ones is inside its window or not, as the environment        *)
(*    chooses (its arrival time). Crawl records are a set; which are old   *)
(*    enough to crawl again, which are past retention, which peers are    *)
(*    aged (seed mode) are chosen when the crawl round runs.               *)
(*  - Addresses. One address per node: an address is a node id; a        *)
(*    PexAddrs carries a set of ids (Self included), so "more than         *)
(*    MaxAddressesPerMessage" is its cardinality. IP checks (invalid,      *)
(*    non-routable) are Java-only.                                         *)
(*  - Selections (answers, crawl picks) are any subset of what Java may    *)
(*    pick from, up to the size bound: Java's random selection is one of   *)
(*    them.                                                                *)
(*  - dropped: the set of reasons counted at least once.                   *)
(***************************************************************************)
EXTENDS Integers, FiniteSets

CONSTANTS
  \* the PeerManager's (PeerConfig), read through PeerView
  Peer, Self, Persistent, Unconditional, MaxInbound, MaxOutbound, MaxConnected,
  MaxConnectedUpgrade, MinThreshold, MinTarget, MaxTarget, MaxThreshold,
  MaxDialAttempts, DisconnectCooldownOn, ScoreMin, ScoreMax, PersistentFailureCap,
  IdleInboundEviction,
  \* the address book's (BookConfig), read through PeerView
  Private,                  \* BookConfig.privateIds
  NewBucketSize,            \* BookConfig.newBucketSize
  MaxBanned,                \* BookConfig.maxBanned
  MaxAddressesPerEvent,     \* PeerManager.MAX_ADDRESSES_PER_EVENT
  NeedAddressThreshold,     \* BookConfig.needAddressThreshold
  \* PEX's (PexConfig)
  SeedMode,                 \* PexConfig.seedMode
  Seeds,                    \* ids of PexConfig.seeds
  FreeRequests,             \* PexConfig.freeRequests
  MaxAddressesPerMessage,   \* PexConfig.maxAddressesPerMessage
  MaxCrawled,               \* PexConfig.maxCrawled
  MaxPeers                  \* PexConfig.maxPeers

VARIABLES
  \* the PeerManager's (PeerState), read through PeerView
  book, dialing, connected, ready, evicting, upgrading, scores,
  persistentDialFailures, timers, started, bannedIds, idleInbound, outbox,
  \* PEX's (PexState)
  peers,                    \* peer -> direction ("inbound"/"outbound")
  requestsSent,             \* peers with our request outstanding
  lastAddrsReceived,        \* peer -> TRUE while the window of its last answer is open
  lastReceivedRequests,     \* peer -> requests it sent us on this connection (saturating)
  disconnecting,            \* peers we asked to be disconnected
  crawled,                  \* seed mode: ids with a crawl record
  dropped,                  \* reasons of received addresses not handed to the book
  pexTimers,                \* PexState.timers: armed round keys
  pexStarted,               \* PexState.started
  \* of the last step, set by the composition (Core.tla) and read by the invariants
  handedOff,                \* the PexEffect.HandOffs it applied to the PeerManager
  event                     \* the CoreEvent it took, a record with its name in type

PM == INSTANCE PeerManager

ASSUME PexConfigValid ==
  /\ SeedMode \in BOOLEAN
  /\ Private \subseteq Peer /\ Seeds \subseteq Peer
  /\ NeedAddressThreshold \in Nat
  /\ FreeRequests \in Nat
  /\ MaxAddressesPerMessage \in Nat \ {0}
  /\ MaxCrawled \in Nat \ {0}
  /\ MaxPeers \in Nat \ {0}
  \* CoreConfig: every peer the PeerManager can route must fit.
  /\ MaxPeers >= MaxConnected + MaxConnectedUpgrade + Cardinality(Unconditional)

Node == Peer \cup {Self}
RoundKey == {"EnsurePeers", "CrawlPeers"}         \* PexTimerKey
DropReason == {"self", "private", "private_source"}
PexDisconnectReason == {"seed_connection_aged", "crawled", "seed_answered"}

\* PexEffect.ShellEffect records
SendPexRequest(p) == [type |-> "SendPexRequest", peer |-> p]
SendPexAddrs(p, a) == [type |-> "SendPexAddrs", peer |-> p, addresses |-> a]
SendPexAddrsThenDisconnect(p, a) ==
  [type |-> "SendPexAddrsThenDisconnect", peer |-> p, addresses |-> a]
DisconnectPeer(p, r) == [type |-> "DisconnectPeer", peer |-> p, reason |-> r]
\* PexEffect.HandOff records
LearnAddresses(a, source) == [type |-> "LearnAddresses", addresses |-> a, source |-> source]
BanPeer(p) == [type |-> "BanPeer", peer |-> p]
RequestDial(p) == [type |-> "RequestDial", peer |-> p]
ReportPeer(p) == [type |-> "ReportPeer", peer |-> p]

ReplyTypes == {"SendPexAddrs", "SendPexAddrsThenDisconnect"}

allVars == <<book, dialing, connected, ready, evicting, upgrading, scores,
             persistentDialFailures, timers, started, bannedIds, idleInbound, outbox, peers,
             requestsSent,
             lastAddrsReceived, lastReceivedRequests, disconnecting, crawled, dropped,
             pexTimers, pexStarted, handedOff, event>>

pexVars == <<peers, requestsSent, lastAddrsReceived, lastReceivedRequests,
             disconnecting, crawled, dropped, pexTimers, pexStarted>>

PexCur == [peers |-> peers, requestsSent |-> requestsSent,
           lastAddrsReceived |-> lastAddrsReceived,
           lastReceivedRequests |-> lastReceivedRequests, disconnecting |-> disconnecting,
           crawled |-> crawled, dropped |-> dropped, timers |-> pexTimers,
           started |-> pexStarted, out |-> {}, handoffs |-> {}]

PexInit ==
  /\ peers = PM!EmptyFcn /\ requestsSent = {} /\ lastAddrsReceived = PM!EmptyFcn
  /\ lastReceivedRequests = PM!EmptyFcn /\ disconnecting = {} /\ crawled = {}
  /\ dropped = {} /\ pexTimers = {} /\ pexStarted = FALSE

\* The PEX part of a step's result, committed (the effects go to outbox in Core).
PexCommit(x) ==
  /\ peers' = x.peers /\ requestsSent' = x.requestsSent
  /\ lastAddrsReceived' = x.lastAddrsReceived
  /\ lastReceivedRequests' = x.lastReceivedRequests /\ disconnecting' = x.disconnecting
  /\ crawled' = x.crawled /\ dropped' = x.dropped /\ pexTimers' = x.timers
  /\ pexStarted' = x.started

-----------------------------------------------------------------------------
(* Leaf helpers (Pex.Tx).                                                   *)

Min(a, b) == IF a < b THEN a ELSE b
Max(a, b) == IF a > b THEN a ELSE b

\* AddressBook.needsMoreAddresses: fewer entries than the threshold.
NeedsMore(v) == Cardinality({p \in Peer : v.book[p].status = "known"}) < NeedAddressThreshold

Send(x, e) == [x EXCEPT !.out = @ \cup {e}]
HandOff(x, h) == [x EXCEPT !.handoffs = @ \cup {h}]
Arm(x, k) == [x EXCEPT !.timers = @ \cup {k}]
CountDrop(x, r) == [x EXCEPT !.dropped = @ \cup {r}]

\* Tx.mayRequest: up, not being disconnected, nothing outstanding, window passed.
MayRequest(x, p) ==
  /\ p \in DOMAIN x.peers /\ p \notin x.disconnecting /\ p \notin x.requestsSent
  /\ ~(p \in DOMAIN x.lastAddrsReceived /\ x.lastAddrsReceived[p])

\* Tx.requestAddrs
RequestAddrs(x, p) ==
  IF MayRequest(x, p)
  THEN Send([x EXCEPT !.requestsSent = @ \cup {p}], SendPexRequest(p)) ELSE x

\* Tx.punish: ban (PeerBanned) and ignore the peer until it is down.
Punish(x, p) == HandOff([x EXCEPT !.disconnecting = @ \cup {p}], BanPeer(p))

\* Tx.recordCrawl: at MaxCrawled the oldest record (any: time is abstract) goes.
RecordCrawl(x, p) ==
  IF p \in x.crawled \/ Cardinality(x.crawled) < MaxCrawled
  THEN {[x EXCEPT !.crawled = @ \cup {p}]}
  ELSE {[x EXCEPT !.crawled = (@ \ {o}) \cup {p}] : o \in x.crawled}

RECURSIVE RecordCrawls(_, _)
RecordCrawls(x, S) ==
  IF S = {} THEN {x}
  ELSE UNION {UNION {RecordCrawls(y, S \ {p}) : y \in RecordCrawl(x, p)} : p \in S}

\* Pex.learn: filter (counting drops) and hand the rest to the book.
Learn(x, addresses, source) ==
  IF addresses = {} THEN x   \* nothing learned, nothing dropped
  ELSE IF source \in Private THEN CountDrop(x, "private_source")
  ELSE LET x1 == IF addresses \cap Private # {} THEN CountDrop(x, "private") ELSE x
           x2 == IF Self \in addresses THEN CountDrop(x1, "self") ELSE x1
           kept == addresses \ (Private \cup {Self})
       IN IF kept # {} THEN HandOff(x2, LearnAddresses(kept, source)) ELSE x2

\* Pex.isIdleInbound: the PeerManager holds p as idle inbound and is not evicting it.
IsIdleInbound(v, p) == p \in v.idleInbound /\ p \notin DOMAIN v.evicting

\* Pex.Tx.reportIdle: a message from p was accepted; if p is idle inbound,
\* report it good and learn the address OnPeerUp held back.
ReportIdle(x, v, p) ==
  IF IsIdleInbound(v, p) THEN Learn(HandOff(x, ReportPeer(p)), {p}, p) ELSE x

\* Pex.answerable: never the requester, ourselves, a private or a banned ID (a
\* banned ID is not a book entry: status "banned").
IsAnswerable(v, requester, q) == v.book[q].status = "known" /\ q # requester /\ q \notin Private
Answerable(v, requester) == {q \in Peer : IsAnswerable(v, requester, q)}

(* The environment's choices inside a step (which answer a random selection *)
(* makes, which windows passed, which crawl records and connections are old, *)
(* which peers a crawl picks, which seeds' bans expired) are each the set of  *)
(* one operator, {c \in SUBSET universe : condition}. A check of a recorded   *)
(* step (TraceCore.tla) ranges over what the step's successor shows, under    *)
(* the same condition.                                                        *)

\* Tx.select: a selection, at most MaxAddressesPerMessage.
IsAnswer(a) == Cardinality(a) <= MaxAddressesPerMessage
Answers(v, requester) == {a \in SUBSET Answerable(v, requester) : IsAnswer(a)}

\* Banned seeds whose ban may have expired (DialRandomSeed).
ExpiredChoices(banned) == SUBSET banned
\* Open request windows that may have passed (a round runs).
PassedChoices(open) == SUBSET open
\* Connections old enough to be aged, crawl records past retention, records old
\* enough to crawl again (a crawl round runs).
AgedChoices(cand) == SUBSET cand
PrunedChoices(records) == SUBSET records
OldChoices(records) == SUBSET records
\* The peers a crawl round dials: any crawlable ones, up to the free slots.
IsCrawl(slots, S) == Cardinality(S) <= slots
CrawlChoices(crawlable, slots) == {S \in SUBSET crawlable : IsCrawl(slots, S)}

\* Pex.outboundSlotsFree: as the PeerManager's dialRoom counts.
OutboundSlotsFree(v) ==
  LET c == PM!Counts(v)
  IN Max(0, Min(Min(MaxOutbound - c.outbound - c.dialing,
                    MaxConnected - c.connectedNotEvicting - c.dialing),
                MaxConnected + MaxConnectedUpgrade - c.connectedAll - c.dialing))

\* Pex.dialRandomSeed: one seed not connected, dialing or banned. Java reads a
\* ban at wallNow (PeerManager.isBanned): a ban that has expired but is not yet
\* reinstated does not count. Time is abstract here, so any banned seed's ban
\* may have expired (the environment's choice, `expired`); the PeerManager's
\* DialRequested then reinstates it (Reinstated) before dialing.
DialRandomSeed(x, v) ==
  LET free == {s \in Seeds : s \notin DOMAIN v.connected /\ s \notin v.dialing}
      open == {s \in free : ~PM!Banned(v, s)}
  IN UNION {LET candidates == open \cup expired
            IN IF candidates = {} THEN {x} ELSE {HandOff(x, RequestDial(s)) : s \in candidates} :
            expired \in ExpiredChoices(free \ open)}

-----------------------------------------------------------------------------
(* Rounds.                                                                  *)

\* Pex.ensurePeersRound
EnsurePeers(x, v) ==
  LET y == Arm(x, "EnsurePeers")
      askable == {p \in DOMAIN y.peers : MayRequest(y, p)}
      asked == IF askable = {} THEN {y} ELSE {RequestAddrs(y, p) : p \in askable}
  IN IF ~NeedsMore(v) THEN {y}
     ELSE UNION {IF v.dialing = {} /\ OutboundSlotsFree(v) > 0 THEN DialRandomSeed(z, v) ELSE {z} :
                   z \in asked}

\* Pex.crawlRound: disconnectAged, pruneCrawled, then dial up to the free slots.
CrawlPeers(x, v) ==
  LET y == Arm(x, "CrawlPeers")
      agedCand == {p \in DOMAIN y.peers : p \notin y.disconnecting /\ p \notin Persistent}
      slots == OutboundSlotsFree(v)
  IN UNION {UNION {
       LET z == [y EXCEPT !.disconnecting = @ \cup aged,
                          !.out = @ \cup {DisconnectPeer(p, "seed_connection_aged") : p \in aged},
                          !.crawled = @ \ pruned]
           \* what the PeerManager would dial now (PeerManager.dialable)
           crawlable == {p \in Peer : /\ v.book[p].status = "known"
                                      /\ PM!Dialable(v, p)
                                      /\ (p \notin z.crawled \/ p \in old)}
       IN IF slots <= 0 THEN {z}
          ELSE UNION {UNION {
                 LET w == [r EXCEPT !.handoffs = @ \cup {RequestDial(p) : p \in S}]
                 IN IF S = {} /\ v.dialing = {} /\ NeedsMore(v) THEN DialRandomSeed(w, v) ELSE {w} :
                   r \in RecordCrawls(z, S)} :
                 S \in CrawlChoices(crawlable, slots)} :
         old \in OldChoices(y.crawled \ pruned)} :
       aged \in AgedChoices(agedCand), pruned \in PrunedChoices(y.crawled)}

-----------------------------------------------------------------------------
(* The handlers, one per PexEvent record.                                   *)

\* @see Pex.onStarted (the first round waits a random jitter if the node already
\* has a connection or a dial in flight)
OnPexStarted(x, v) ==
  IF x.started THEN {}
  ELSE LET y == [x EXCEPT !.started = TRUE] IN
       IF SeedMode THEN CrawlPeers(y, v)
       ELSE IF DOMAIN v.connected # {} \/ v.dialing # {} THEN {Arm(y, "EnsurePeers")}
       ELSE EnsurePeers(y, v)

\* @see Pex.onPeerUp (the listen address is the peer itself: one address per node)
OnPeerUp(x, v, p, direction) ==
  IF p \in DOMAIN x.peers \/ Cardinality(DOMAIN x.peers) >= MaxPeers THEN {}
  ELSE LET y == [x EXCEPT !.peers = PM!Put(@, p, direction)] IN
       \* an idle inbound peer's own address waits for its first accepted message
       IF direction = "inbound" THEN {IF IsIdleInbound(v, p) THEN y ELSE Learn(y, {p}, p)}
       ELSE IF SeedMode THEN {RequestAddrs(z, p) : z \in RecordCrawl(y, p)}
       ELSE IF NeedsMore(v) THEN {RequestAddrs(y, p)}
       ELSE {y}

\* @see Pex.onPeerDown
OnPeerDown(x, p) ==
  IF p \notin DOMAIN x.peers THEN {}
  ELSE {[x EXCEPT !.peers = PM!Del(@, p), !.requestsSent = @ \ {p},
                  !.lastAddrsReceived = PM!Del(@, p), !.lastReceivedRequests = PM!Del(@, p),
                  !.disconnecting = @ \ {p}]}

\* @see Pex.onPexRequestReceived. Beyond the free requests, the request is
\* inside the window (abuse) or not: its arrival time is the environment's.
OnPexRequestReceived(x, v, p) ==
  LET Answer(y) == {Send(y, SendPexAddrs(p, a)) : a \in Answers(v, p)}
      Count(n) == ReportIdle([x EXCEPT !.lastReceivedRequests = PM!Put(@, p, n)], v, p)
  IN IF p \notin DOMAIN x.peers THEN {}
     ELSE IF p \in x.disconnecting THEN {x}
     ELSE IF SeedMode /\ x.peers[p] = "inbound" /\ p \notin Persistent
     THEN {Send([ReportIdle(x, v, p) EXCEPT !.disconnecting = @ \cup {p}],
                SendPexAddrsThenDisconnect(p, a)) :
             a \in Answers(v, p)}
     ELSE IF p \notin DOMAIN x.lastReceivedRequests THEN Answer(Count(1))
     ELSE LET n == x.lastReceivedRequests[p] IN
          IF n < FreeRequests THEN Answer(Count(n + 1))
          ELSE {Punish(x, p)} \cup Answer(Count(n))

\* @see Pex.onPexAddrsReceived
OnPexAddrsReceived(x, v, p, addresses) ==
  IF p \notin DOMAIN x.peers THEN {}
  ELSE IF p \in x.disconnecting THEN {x}
  ELSE IF Cardinality(addresses) > MaxAddressesPerMessage \/ p \notin x.requestsSent
  THEN {Punish(x, p)}
  ELSE LET y == ReportIdle([x EXCEPT !.requestsSent = @ \ {p},
                                      !.lastAddrsReceived = PM!Put(@, p, TRUE)], v, p)
           z == Learn(y, addresses, p)
       IN {IF x.peers[p] = "outbound" /\ p \notin Persistent /\ (SeedMode \/ p \in Seeds)
           \* seed mode frees a crawled peer's slot; a node that is not a seed lets
           \* a configured seed go once it answered (it is dialed for addresses only)
           THEN Send([z EXCEPT !.disconnecting = @ \cup {p}],
                     DisconnectPeer(p, IF SeedMode THEN "crawled" ELSE "seed_answered"))
           ELSE z}

\* @see Pex.onPexMessageMalformed
OnPexMessageMalformed(x, p) ==
  IF p \notin DOMAIN x.peers THEN {}
  ELSE IF p \in x.disconnecting THEN {x}
  ELSE {Punish(x, p)}

\* @see Pex.onTimerFired: fired rounds in key order; the windows that passed
\* since their answer are the environment's.
OnPexTimerFired(x, v, fired) ==
  IF fired = {} \/ ~(fired \subseteq x.timers) THEN {}
  ELSE LET open == {p \in DOMAIN x.lastAddrsReceived : x.lastAddrsReceived[p]}
       IN UNION {
            LET y == [x EXCEPT !.timers = @ \ fired,
                               !.lastAddrsReceived = [q \in DOMAIN @ |-> @[q] /\ q \notin passed]]
                r1 == IF "EnsurePeers" \in fired THEN EnsurePeers(y, v) ELSE {y}
            IN UNION {IF "CrawlPeers" \in fired THEN CrawlPeers(z, v) ELSE {z} : z \in r1} :
            passed \in PassedChoices(open)}

-----------------------------------------------------------------------------
(* Invariants: the names of PexInvariants' constants. The action parts read *)
(* outbox' (the step's effects; PEX's are the shell effects above),        *)
(* handedOff' (the step's hand-offs) and event' (the step's CoreEvent),    *)
(* which the composition (Core.tla) defines.                               *)

PexTypeOK ==
  /\ DOMAIN peers \subseteq Peer
  /\ \A p \in DOMAIN peers : peers[p] \in {"inbound", "outbound"}
  /\ requestsSent \subseteq Peer /\ disconnecting \subseteq Peer /\ crawled \subseteq Peer
  /\ DOMAIN lastAddrsReceived \subseteq Peer
  /\ \A p \in DOMAIN lastAddrsReceived : lastAddrsReceived[p] \in BOOLEAN
  /\ DOMAIN lastReceivedRequests \subseteq Peer
  /\ \A p \in DOMAIN lastReceivedRequests :
       lastReceivedRequests[p] \in 1..Max(1, FreeRequests)
  /\ dropped \subseteq DropReason
  /\ pexTimers \subseteq RoundKey /\ pexStarted \in BOOLEAN


RequestsOf(effects) == {e.peer : e \in {f \in effects : f.type = "SendPexRequest"}}
Replies == {e \in outbox' : e.type \in ReplyTypes}
Learned == {h \in handedOff' : h.type = "LearnAddresses"}

\* A request is outstanding at most once per peer (requestsSent is a set), only
\* for a peer that is up, and a step sends SendPexRequest(p) only if none was
\* outstanding and records it as outstanding.
AtMostOneOutstandingRequest ==
  /\ [](requestsSent \subseteq DOMAIN peers)
  /\ [][\A p \in RequestsOf(outbox') : p \notin requestsSent /\ p \in requestsSent']_allVars

\* Every outstanding request was sent after the window of the peer's previous
\* answer passed, and never to a peer being disconnected.
NeverRequestInsideWindow ==
  /\ [](\A p \in requestsSent : ~(p \in DOMAIN lastAddrsReceived /\ lastAddrsReceived[p]))
  /\ [][\A p \in RequestsOf(outbox') : p \notin disconnecting]_allVars

\* We send PexAddrs only as the one answer to the request this step took.
ReplyOnlyWhenRequested ==
  [][/\ Cardinality(Replies) <= 1
     /\ \A e \in Replies : /\ event'.type = "PexRequestReceived" /\ event'.peer = e.peer
                           /\ e.peer \notin disconnecting]_allVars

\* Addresses a peer sent are handed to the book only if our request to it was
\* outstanding, and that answer closes the request.
AcceptOnlyWhenOutstanding ==
  [][event'.type = "PexAddrsReceived" /\ Learned # {} =>
       event'.peer \in requestsSent /\ event'.peer \notin requestsSent']_allVars

\* Abuse is punished: an unsolicited or oversized PexAddrs or a malformed message
\* from a peer that is up and not already being disconnected yields BanPeer and
\* marks the peer as being disconnected. (Java also covers a request inside the
\* window; here that is the environment's choice, so the spec cannot tell.)
AbuseDisconnectsAndBans ==
  [][LET e == event'
         abuse == \/ e.type = "PexMessageMalformed"
                  \/ /\ e.type = "PexAddrsReceived"
                     /\ (e.peer \notin requestsSent \/ Cardinality(e.addresses) > MaxAddressesPerMessage)
     IN abuse /\ e.peer \in DOMAIN peers /\ e.peer \notin disconnecting =>
          BanPeer(e.peer) \in handedOff' /\ e.peer \in disconnecting']_allVars

\* What we send is never a private ID, ourselves, a banned ID, the requester,
\* and never more than MaxAddressesPerMessage addresses.
NeverSendPrivateOrBanned ==
  [][\A e \in Replies :
       /\ Cardinality(e.addresses) <= MaxAddressesPerMessage
       /\ \A a \in e.addresses : a # e.peer /\ a # Self /\ a \notin Private
                                /\ ~PM!Banned(PM!Cur, a)]_allVars

\* Addresses handed to the book are at most MaxAddressesPerMessage, none that the
\* filter refuses, never from a private source.
LearnOnlyFiltered ==
  [][\A h \in Learned :
       /\ Cardinality(h.addresses) <= MaxAddressesPerMessage
       /\ h.source \notin Private
       /\ h.addresses \cap (Private \cup {Self}) = {}]_allVars

\* Seed mode answers an inbound, non-persistent peer once per connection: the
\* answer comes with the disconnect and marks the peer as being disconnected,
\* so it gets no second answer; such a peer never gets a plain answer.
SeedAnswersOnce ==
  [][/\ \A e \in {f \in outbox' : f.type = "SendPexAddrsThenDisconnect"} :
          SeedMode /\ e.peer \notin disconnecting /\ e.peer \in disconnecting'
     /\ \A e \in {f \in outbox' : f.type = "SendPexAddrs"} :
          SeedMode => (e.peer \in DOMAIN peers
                       /\ ~(peers[e.peer] = "inbound" /\ e.peer \notin Persistent))]_allVars

\* Per-connection records exist only for peers that are up.
PerPeerStateOnlyForPeers ==
  /\ requestsSent \subseteq DOMAIN peers
  /\ DOMAIN lastAddrsReceived \subseteq DOMAIN peers
  /\ DOMAIN lastReceivedRequests \subseteq DOMAIN peers
  /\ disconnecting \subseteq DOMAIN peers

\* At most MaxPeers peers and MaxCrawled crawl records.
WithinBounds == Cardinality(DOMAIN peers) <= MaxPeers /\ Cardinality(crawled) <= MaxCrawled

\* Once started, exactly the mode's round timer is armed.
RoundTimerArmedWhenStarted ==
  pexTimers = IF pexStarted THEN {IF SeedMode THEN "CrawlPeers" ELSE "EnsurePeers"} ELSE {}

=============================================================================
