package dev.cairn.model.core;

import dev.cairn.core.Core;
import dev.cairn.core.CoreConfig;
import dev.cairn.core.CoreEvent;
import dev.cairn.core.CoreState;
import dev.cairn.core.MonoTime;
import dev.cairn.core.NodeId;
import dev.cairn.core.book.BookConfig;
import dev.cairn.core.peer.PeerConfig;
import dev.cairn.core.pex.PexConfig;
import dev.cairn.core.pex.PexEvent;
import dev.cairn.core.pex.PexState;
import dev.cairn.model.JavaCore;
import dev.cairn.spec.mapping.CoreMapping;
import org.pcollections.PSortedMap;
import org.pcollections.PSortedSet;
import org.pcollections.TreePSet;

/**
 * Realistic PEX bugs in the composed core, injected by wrapping the real {@link Core#traced}
 * (changing its inputs or config), never by editing core-fsm. Each runs against the model it
 * concerns.
 */
public enum CoreMutant {

  /** A round asks a peer again while our request to it is still outstanding (a second outstanding request). */
  SECOND_OUTSTANDING_REQUEST(CoreModels.CORE) {
    @Override
    Core.Traced traced(CoreConfig cfg, CoreState s, MonoTime now, dev.cairn.core.WallTime wall, CoreEvent e) {
      if (!(e instanceof CoreEvent.TimerFired) || s.pex().requestsSent().isEmpty()) {
        return Core.traced(cfg, s, now, wall, e);
      }
      PSortedMap<NodeId, MonoTime> outstanding = s.pex().requestsSent();
      Core.Traced t = Core.traced(cfg, s.withPex(withRequestsSent(s.pex(), outstanding.minusAll(outstanding.keySet()))),
          now, wall, e);
      if (!t.step().isAccepted()) {
        return t;
      }
      CoreState after = t.step().state();
      PSortedMap<NodeId, MonoTime> merged = after.pex().requestsSent().plusAll(outstanding);
      return new Core.Traced(dev.cairn.core.Step.accepted(after.withPex(withRequestsSent(after.pex(), merged)),
          t.step().effects()), t.subSteps());
    }
  },

  /** A PexAddrs is accepted (learned) although no request to its sender was outstanding. */
  REPLY_WITHOUT_REQUEST(CoreModels.CORE) {
    @Override
    Core.Traced traced(CoreConfig cfg, CoreState s, MonoTime now, dev.cairn.core.WallTime wall, CoreEvent e) {
      if (e instanceof CoreEvent.PexMessage m && m.event() instanceof PexEvent.PexAddrsReceived r
          && s.pex().peers().containsKey(r.peer())) {
        s = s.withPex(withRequestsSent(s.pex(), s.pex().requestsSent().plus(r.peer(), now)));
      }
      return Core.traced(cfg, s, now, wall, e);
    }
  },

  /** Seed mode answers an inbound peer's request again while it is being disconnected after its answer. */
  SEED_ANSWERS_TWICE(CoreModels.SEED) {
    @Override
    Core.Traced traced(CoreConfig cfg, CoreState s, MonoTime now, dev.cairn.core.WallTime wall, CoreEvent e) {
      if (e instanceof CoreEvent.PexMessage m && m.event() instanceof PexEvent.PexRequestReceived r
          && s.pex().disconnecting().contains(r.peer())) {
        PSortedSet<NodeId> d = s.pex().disconnecting();
        Core.Traced t = Core.traced(cfg, s.withPex(withDisconnecting(s.pex(), d.minus(r.peer()))), now, wall, e);
        CoreState after = t.step().state();
        return new Core.Traced(dev.cairn.core.Step.accepted(
            after.withPex(withDisconnecting(after.pex(), after.pex().disconnecting().plus(r.peer()))),
            t.step().effects()), t.subSteps());
      }
      return Core.traced(cfg, s, now, wall, e);
    }
  },

  /** The request rate check is off by one: one more free request than configured. */
  FREE_REQUESTS_OFF_BY_ONE(CoreModels.CORE) {
    @Override
    CoreConfig config(CoreConfig c) {
      PexConfig x = c.pex();
      return new CoreConfig(c.peer(), new PexConfig(x.seedMode(), x.seeds(), x.ensurePeersPeriod(),
          x.minReceiveRequestInterval(), x.freeRequests() + 1, x.maxAddressesPerMessage(), x.banTime(),
          x.crawlPeriod(), x.minTimeBetweenCrawls(), x.crawlRecordRetention(), x.maxCrawled(),
          x.seedDisconnectWaitPeriod(), x.seedBiasTowardsNew(), x.maxPeers()));
    }
  },

  /** Private peer IDs are not filtered: a private address received in a PexAddrs is gossiped on to the book. */
  PRIVATE_NOT_FILTERED(CoreModels.CORE) {
    @Override
    CoreConfig config(CoreConfig c) {
      PeerConfig p = c.peer();
      BookConfig b = p.book();
      BookConfig open = new BookConfig(b.newBucketCount(), b.newBucketSize(), b.oldBucketCount(),
          b.oldBucketSize(), b.newBucketsPerGroup(), b.oldBucketsPerGroup(), b.maxNewBucketsPerAddress(),
          b.needAddressThreshold(), b.maxBanned(), b.strict(), TreePSet.empty(), b.ourAddresses(), b.self());
      return new CoreConfig(p.withBook(open), c.pex());
    }
  },

  /**
   * Learning an address whose ban has run out lifts the ban first (the book's {@code add} before
   * core revision 2), where only maintenance, admissions and dial requests lift bans.
   */
  EXPIRED_BAN_LIFTED_ON_LEARNING(CoreModels.CORE) {
    @Override
    Core.Traced traced(CoreConfig cfg, CoreState s, MonoTime now, dev.cairn.core.WallTime wall, CoreEvent e) {
      if (e instanceof CoreEvent.Peer p) {
        s = s.withPeer(JavaCore.expiredBansLiftedOnLearning(cfg.peer(), s.peer(), wall, p.event()));
      }
      return Core.traced(cfg, s, now, wall, e);
    }
  },

  /**
   * An operator's PeerErrored marks the peer as being evicted but never disconnects it: the peer
   * is put among the evicting before the step, so the manager takes it as already handled. Only
   * {@code MCCoreOperator} has PeerErrored.
   */
  PEER_ERRORED_NOT_DISCONNECTED(CoreModels.OPERATOR) {
    @Override
    Core.Traced traced(CoreConfig cfg, CoreState s, MonoTime now, dev.cairn.core.WallTime wall, CoreEvent e) {
      if (e instanceof CoreEvent.Peer p && p.event() instanceof dev.cairn.core.peer.PeerEvent.PeerErrored x
          && s.peer().connected().containsKey(x.peer()) && !s.peer().evicting().containsKey(x.peer())) {
        var ps = s.peer();
        s = s.withPeer(new dev.cairn.core.peer.PeerState(ps.book(), ps.dialing(), ps.connected(), ps.ready(),
            ps.evicting().plus(x.peer(), dev.cairn.core.peer.DisconnectReason.ERRORED), ps.upgrading(), ps.scores(),
            ps.persistentDialFailures(), ps.timers(), ps.prng(), ps.started(), ps.bannedIds(), ps.idleInbound()));
      }
      return Core.traced(cfg, s, now, wall, e);
    }
  },

  /**
   * Another reactor's first good report of an idle inbound peer ends its idleness and also raises
   * its score, where it should leave the score alone (a report that proves a peer useful is not
   * yet feedback on it). Only {@code MCCoreOperator} has PeerReported, with scores in -1..1.
   */
  GOOD_REPORT_OF_IDLE_PEER_MOVES_SCORE(CoreModels.OPERATOR) {
    @Override
    Core.Traced traced(CoreConfig cfg, CoreState s, MonoTime now, dev.cairn.core.WallTime wall, CoreEvent e) {
      Core.Traced t = Core.traced(cfg, s, now, wall, e);
      if (e instanceof CoreEvent.Peer p && p.event() instanceof dev.cairn.core.peer.PeerEvent.PeerReported r
          && r.feedback() == dev.cairn.core.peer.Feedback.GOOD && s.peer().idleInbound().containsKey(r.peer())
          && !s.peer().evicting().containsKey(r.peer()) && t.step().isAccepted()) {
        var ps = t.step().state().peer();
        var raised = new dev.cairn.core.peer.PeerState(ps.book(), ps.dialing(), ps.connected(), ps.ready(),
            ps.evicting(), ps.upgrading(), ps.scores().plus(r.peer(), ps.scores().getOrDefault(r.peer(), 0) + 1),
            ps.persistentDialFailures(), ps.timers(), ps.prng(), ps.started(), ps.bannedIds(), ps.idleInbound());
        return new Core.Traced(dev.cairn.core.Step.accepted(t.step().state().withPeer(raised), t.step().effects()),
            t.subSteps());
      }
      return t;
    }
  };

  final String model;

  CoreMutant(String model) {
    this.model = model;
  }

  /** The config the mutant runs with (the mapping's, unless the bug is in the config). */
  CoreConfig config(CoreConfig c) {
    return c;
  }

  /** The mutant's step. */
  Core.Traced traced(CoreConfig cfg, CoreState s, MonoTime now, dev.cairn.core.WallTime wall, CoreEvent e) {
    return Core.traced(cfg, s, now, wall, e);
  }

  CoreEquivalence equivalence() {
    CoreEquivalence real = CoreModels.real(model);
    CoreMapping m = real.validator().mapping();
    return new CoreEquivalence(model, real.validator(), new CoreDriver(m, config(m.config()), this::traced));
  }

  static PexState withRequestsSent(PexState x, PSortedMap<NodeId, MonoTime> r) {
    return new PexState(x.peers(), r, x.lastAddrsReceived(), x.lastReceivedRequests(), x.disconnecting(),
        x.crawled(), x.dropped(), x.timers(), x.prng(), x.started());
  }

  static PexState withDisconnecting(PexState x, PSortedSet<NodeId> d) {
    return new PexState(x.peers(), x.requestsSent(), x.lastAddrsReceived(), x.lastReceivedRequests(), d,
        x.crawled(), x.dropped(), x.timers(), x.prng(), x.started());
  }
}
