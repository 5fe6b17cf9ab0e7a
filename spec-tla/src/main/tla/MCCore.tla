-------------------------------- MODULE MCCore --------------------------------
(* Small models of the composed core (Core.tla) for the TLC gate:          *)
(*  - MCCore: a node with one seed s and one private peer a, every shell   *)
(*    event; the PeerManager, PEX and Core invariants;                     *)
(*  - MCCoreSeed: the same node in seed mode (answer once, crawl);         *)
(*  - MCCoreLiveness: a node with one reachable honest seed.               *)
EXTENDS Core, TLC

CONSTANTS s, a, self

\* No action reads outbox, handedOff, event or dropped: states that differ
\* only there have the same futures. The properties read the first three only
\* primed (the step's own effects, hand-offs and event) and dropped only in
\* PexTypeOK, so fingerprinting without them is sound for every invariant and
\* action property checked here.
MCView == <<book, dialing, connected, ready, evicting, upgrading, scores,
            persistentDialFailures, timers, started, bannedIds, idleInbound, peers, requestsSent,
            lastAddrsReceived, lastReceivedRequests, disconnecting, crawled,
            pexTimers, pexStarted>>

\* The shell events that reach PEX or that PEX's hand-offs race with, and the
\* operator's AddressesLearned: the only way here that a banned peer's address
\* reaches the book again (a PexAddrs from the private peer a is not learned).
\* Left out (MCPeerManager checks them): DialRequested from the operator,
\* PeerReported (scores are pinned at 0 here) and PeerErrored (an eviction like
\* PeerBanned's). Addresses in a PexAddrs: at most one more than
\* MaxAddressesPerMessage (every larger set is refused the same way).
MCNext ==
  \/ Started
  \/ \E x \in SUBSET Peer : AddressesLearned(x)
  \/ \E p \in Node : DialSucceeded(p) \/ InboundAccepted(p)
  \/ \E p \in Peer : \/ DialFailed(p) \/ PeerReady(p) \/ PeerDisconnected(p) \/ PeerBanned(p)
                     \/ PexRequestReceived(p) \/ PexMessageMalformed(p)
                     \/ \E x \in {x \in SUBSET Node : Cardinality(x) <= MaxAddressesPerMessage + 1} :
                          PexAddrsReceived(p, x)
  \/ \E f \in SUBSET timers, g \in SUBSET pexTimers : TimerFired(f, g)  \* = Next's: fired \subseteq timers

-----------------------------------------------------------------------------
(* MCCoreLiveness: a fresh node (empty book) with one seed s that is        *)
(* reachable and honest, and one more node a that only s knows. The        *)
(* network is abstract and stable: a dial succeeds, the router readies a   *)
(* connected peer, s answers our request with a's address, a connection    *)
(* closes only when we asked (an eviction, or PEX's close of the seed once *)
(* it has answered). No inbound connections, no operator events.           *)
(* No VIEW (the fairness reads outbox) and no symmetry (unsound for        *)
(* liveness).                                                              *)

MCLiveInit == Init /\ \A p \in Peer : book[p].status = "unknown"

SeedAnswers == PexAddrsReceived(s, {a})

\* A dial of a peer that is no seed (a book pick). The spec's pick may miss
\* (Java's of a sole candidate does not); a redial of the seed does not count,
\* or a node that redials its seed for ever would satisfy the fairness.
BookDialIssued == \E p \in Peer \ Seeds : p \notin dialing /\ p \in dialing'

MCLiveNext ==
  \/ Started
  \/ \E p \in Peer : \/ p \in dialing /\ DialSucceeded(p)
                     \/ PeerReady(p)
                     \/ p \in DOMAIN evicting /\ PeerDisconnected(p)
                     \/ p \in disconnecting /\ PeerDisconnected(p)
  \/ s \in requestsSent /\ SeedAnswers
  \/ \E f \in SUBSET timers, g \in SUBSET pexTimers : TimerFired(f, g)

\* The node starts; dials end in a connection; connections become ready;
\* the seed answers; evictions and PEX's closes complete; time passes every
\* deadline; a random book pick that may dial a peer that is no seed is
\* eventually made (strong fairness, as PeerManager's PickFairness).
MCLiveFairness ==
  /\ WF_vars(Started)
  /\ \A p \in Peer : WF_vars(p \in dialing /\ DialSucceeded(p))
  /\ \A p \in Peer : WF_vars(PeerReady(p))
  /\ \A p \in Peer : WF_vars(p \in DOMAIN evicting /\ PeerDisconnected(p))
  /\ \A p \in Peer : WF_vars(p \in disconnecting /\ PeerDisconnected(p))
  /\ WF_vars(s \in requestsSent /\ SeedAnswers)
  /\ WF_vars(TimerFired(timers, pexTimers))
  /\ SF_vars(TimerFired(timers, pexTimers) /\ BookDialIssued)

MCLiveSpec == MCLiveInit /\ [][MCLiveNext]_vars /\ MCLiveFairness

\* The node learns the addresses it lacks from the seed...
LearnsAddresses == <>(\A p \in Peer \ Seeds : book[p].status = "known")

\* ...and connects out to the peer the seed named, and keeps it. (The seed
\* itself is let go once it has answered, so both outbound slots cannot stay
\* taken: a node that kept its seed as a peer would be cometbft#486.)
KeepsTheLearnedPeer == <>[](a \in DOMAIN connected /\ connected[a] = "outbound")
=============================================================================
