------------------------------ MODULE TraceCore ------------------------------
(***************************************************************************)
(* Checking one recorded step of Core.tla as a pair (s, t): the action     *)
(* evaluated with the state before unprimed and the recorded successor     *)
(* primed, instead of enumerating every successor and searching t among    *)
(* them.                                                                   *)
(*                                                                         *)
(* The environment's choices inside a step are each the set of one         *)
(* operator of PeerManager.tla or Pex.tla, {c \in SUBSET U : Cond(c)}.     *)
(* The operators below have the same arguments and range over the part of *)
(* U that t shows, under the same condition; the trace model substitutes   *)
(* them for the spec's (dev.cairn.spec.mapping.TraceModel) while it checks  *)
(* a pair. Each is a subset of the spec's set (so a pair it accepts is a    *)
(* step of Core.tla), and drops only choices that cannot end in t, because *)
(* a step's effects, hand-offs and bans only accumulate:                   *)
(*  - every Dial, Disconnect and DisconnectPeer of a sub-step is in        *)
(*    outbox', every RequestDial in handedOff', every PEX answer in        *)
(*    outbox' (PeerManager.tla: out only grows; Core.tla: outbox' is the   *)
(*    union of all sub-steps' effects, handedOff' the PEX hand-offs);      *)
(*  - a ban that expired in a step is not banned in t: no step both        *)
(*    reinstates and bans (bans come from DialFailed, PeerBanned and PEX's *)
(*    BanPeer hand-offs, none of which reinstates);                        *)
(*  - a request window is open in t exactly when it was open before and    *)
(*    did not pass (no other sub-step of a timer step touches it);         *)
(*  - a pruned crawl record is absent from t unless the round crawls the   *)
(*    peer again (then RequestDial is handed off); "old" matters only for  *)
(*    the peers the round crawls.                                          *)
(* The verdicts of both ways of checking are compared on recorded traces   *)
(* by spec-tla's and shell-net's tests.                                    *)
(***************************************************************************)
EXTENDS Core

\* What the successor shows.
StepOut(type) == {e \in outbox' : e.type = type}
StepDials == {e.peer : e \in StepOut("Dial")}
StepTrimmed == {e.peer : e \in {f \in StepOut("Disconnect") : f.reason = "above_max_threshold"}}
StepAged == {e.peer : e \in {f \in StepOut("DisconnectPeer") : f.reason = "seed_connection_aged"}}
StepRequestedDials == {h.peer : h \in {g \in handedOff' : g.type = "RequestDial"}}
StepAnswers(requester) ==
  {e.addresses : e \in {f \in outbox' : f.type \in ReplyTypes /\ f.peer = requester}}
StillBanned(p) == book'[p].status = "banned" \/ p \in bannedIds'
StillOpen(p) == p \in DOMAIN lastAddrsReceived' /\ lastAddrsReceived'[p]

\* PeerManager.tla
TraceReinstateChoices(st) == SUBSET {p \in PM!ReinstateUniverse(st) : ~StillBanned(p)}
TraceTrimChoices(st, cand, k) == {E \in SUBSET (cand \cap StepTrimmed) : PM!IsTrim(st, cand, k, E)}
TracePickChoices(eligible, budget) == {S \in SUBSET (eligible \cap StepDials) : PM!IsPick(budget, S)}

\* Pex.tla
TraceAnswers(v, requester) ==
  {a \in StepAnswers(requester) : a \subseteq Answerable(v, requester) /\ IsAnswer(a)}
TraceExpiredChoices(banned) == SUBSET (banned \cap StepRequestedDials)
TracePassedChoices(open) == SUBSET {p \in open : ~StillOpen(p)}
TraceAgedChoices(cand) == SUBSET (cand \cap StepAged)
TracePrunedChoices(records) == SUBSET {p \in records : p \notin crawled' \/ p \in StepRequestedDials}
TraceOldChoices(records) == SUBSET (records \cap StepRequestedDials)
TraceCrawlChoices(crawlable, slots) == {S \in SUBSET (crawlable \cap StepRequestedDials) : IsCrawl(slots, S)}

\* The next-state relation of a trace model's cfg: Next as one action. The trace
\* checks evaluate each action with the recorded arguments and never go through
\* Next; TLC would split Next over every subset of the nodes when it loads the
\* spec (2^n actions for n nodes).
TraceNext == Next /\ TRUE

=============================================================================
