-------------------------- MODULE MCPeerManagerIdle --------------------------
(* The inbound eviction rule of PeerManager (an inbound newcomer takes the   *)
(* slot of an idle inbound peer when inbound is full) among a persistent     *)
(* peer p1, an unconditional peer u and two ordinary peers p2, p3, all       *)
(* connecting inbound. The environment is the inbound side only: no         *)
(* addresses are learned and nothing is dialed (MCPeerManager checks those   *)
(* events with two peers, where no idle eviction can happen: it needs two    *)
(* ordinary peers). Scores are pinned at 0, so good feedback only ends      *)
(* idleness; PeerErrored evicts as PeerBanned does and is left out.         *)
EXTENDS PeerManager, TLC

CONSTANTS p1, p2, p3, u, self

MCSymmetry == Permutations(Peer \ (Persistent \cup Unconditional))

MCView == <<book, dialing, connected, ready, evicting, upgrading, scores,
            persistentDialFailures, timers, started, bannedIds, idleInbound>>

MCIdleInit == Init /\ \A p \in Peer : book[p].status = "unknown"

MCIdleNext ==
  \/ Started
  \/ \E p \in Node : InboundAccepted(p)
  \/ \E p \in Peer : PeerReady(p) \/ PeerDisconnected(p) \/ PeerBanned(p)
                     \/ PeerReported(p, "good")
  \/ \E f \in SUBSET TimerKey : TimerFired(f)
=============================================================================
