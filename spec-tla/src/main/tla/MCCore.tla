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
            persistentDialFailures, timers, started, peers, requestsSent,
            lastAddrsReceived, lastReceivedRequests, disconnecting, crawled,
            pexTimers, pexStarted>>

\* The shell events that reach PEX or that PEX's hand-offs race with. Left out
\* (MCPeerManager checks them): AddressesLearned and DialRequested from the
\* operator, PeerReported (scores are pinned at 0 here) and PeerErrored (an
\* eviction like PeerBanned's). Addresses in a PexAddrs: at most one more than
\* MaxAddressesPerMessage (every larger set is refused the same way).
MCNext ==
  \/ Started
  \/ \E p \in Node : DialSucceeded(p) \/ InboundAccepted(p)
  \/ \E p \in Peer : \/ DialFailed(p) \/ PeerReady(p) \/ PeerDisconnected(p) \/ PeerBanned(p)
                     \/ PexRequestReceived(p) \/ PexMessageMalformed(p)
                     \/ \E x \in {x \in SUBSET Node : Cardinality(x) <= MaxAddressesPerMessage + 1} :
                          PexAddrsReceived(p, x)
  \/ \E f \in SUBSET PM!TimerKey, g \in SUBSET RoundKey : TimerFired(f, g)
=============================================================================
