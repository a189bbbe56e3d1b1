using System.Net;
using System.Net.Sockets;
using Cairn.Commands.Clients;
using Cairn.Commands.Config;
using Cairn.Commands.Execution;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Primitives.Networking;
using Cairn.Server.Networking;
using Cairn.Server.Networking.Epoll;
using Microsoft.Extensions.Logging;

namespace Cairn.Server;

/// <summary>
/// A Cairn node's network front: listens on the configured addresses, runs one <see cref="Connection"/> per client, and a
/// cron (hz times a second) for active expiry and idle-client timeouts. See docs/threading.md for the threading model.
/// </summary>
public sealed class CairnServer : IAsyncDisposable
{
    private readonly ServerContext _context;
    private readonly ILogger _logger;
    private readonly List<Socket> _listeners = [];
    private readonly HashSet<Connection> _connections = [];
    private readonly Lock _connectionsLock = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];
    private EpollLoop[] _eventLoops = [];

    /// <summary>The epoll loops, once started (none with event-loop sockets).</summary>
    internal IReadOnlyList<EpollLoop> EventLoops => _eventLoops;
    private int _nextEventLoop;

    public CairnServer(ServerContext context)
    {
        _context = context;
        _logger = context.LoggerFactory.CreateLogger<CairnServer>();
    }

    public ServerContext Context => _context;

    /// <summary>The port actually bound (differs from the configured one when that was 0).</summary>
    public int Port { get; private set; }

    /// <summary>
    /// True when clients will be driven by Cairn's own epoll loops (<c>event-loop epoll</c> on a platform that has them), so
    /// .NET's socket engine serves only the listeners and other sockets (a cluster node's peer links).
    /// </summary>
    public static bool UsesEventLoops(ServerConfig config) =>
        config.EventLoop == "epoll" && EpollNative.IsSupported;

    /// <summary>
    /// After <see cref="Start"/>: the event loop (the last) that reads a cluster node's inbound peer links, or null when
    /// clients are not on Cairn's loops (the links then stay on .NET's socket engine). On a cluster node with more than one
    /// loop it serves no clients (<see cref="_clientLoops"/>): stepping peer frames is most of a coordinator's work, and a
    /// loop that carried both was saturated while the other idled.
    /// </summary>
    public IEventLoopHost? PeerLinkLoop { get; private set; }

    /// <summary>How many loops (the first ones) clients are spread over.</summary>
    private int _clientLoops;

    public void Start()
    {
        int port = _context.Config.Port;
        foreach (string address in _context.Config.Bind.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            string host = address.TrimStart('-');
            IPAddress ip = host switch
            {
                "*" => IPAddress.Any,
                "::*" => IPAddress.IPv6Any,
                "localhost" => IPAddress.Loopback,
                _ => IPAddress.Parse(host),
            };
            Socket listener = ListenSockets.Listen(new IPEndPoint(ip, port), 511);
            port = ((IPEndPoint)listener.LocalEndPoint!).Port; // with port 0, every address gets the first one's port
            _listeners.Add(listener);
        }
        Port = port;
        _context.TcpPort = port;
        if (UsesEventLoops(_context.Config))
        {
            _eventLoops = new EpollLoop[Math.Max(1, _context.Config.IoThreads)];
            _clientLoops = _context.Config.ClusterEnabled && _eventLoops.Length > 1 ? _eventLoops.Length - 1 : _eventLoops.Length;
            for (int i = 0; i < _eventLoops.Length; i++)
            {
                // A loop without clients has no keys to prefetch: the prefetcher would only take the store lock for nothing
                // whenever two peers' frames arrive in one turn.
                _eventLoops[i] = new EpollLoop($"cairn-io-{i}", _logger, i < _clientLoops ? new ReadyKeysPrefetcher(_context) : null,
                    () => _context.Store.BackgroundWalkRunning ? 0 : _context.Config.EventLoopPollMicroseconds);
            }
            PeerLinkLoop = new EpollLoopHost(_eventLoops[^1]);
            EpollLoop[] loops = _eventLoops;
            _context.EventLoopPolls = () =>
            {
                long withEvents = 0, without = 0;
                foreach (EpollLoop loop in loops)
                {
                    withEvents += loop.PollsWithEvents;
                    without += loop.PollsWithout;
                }
                return new EventLoopPollCounts(withEvents, without);
            };
        }
        foreach (Socket listener in _listeners)
        {
            _loops.Add(Task.Run(() => AcceptLoopAsync(listener)));
        }
        // A thread of its own, not a timer on the thread pool: expiry and timeouts must not wait behind whatever else
        // the pool runs (in the test host, blocked test threads delayed a tick past 5 s).
        _loops.Add(Task.Factory.StartNew(CronLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default));
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stopping.IsCancellationRequested)
                {
                    return;
                }
                continue;
            }
            socket.NoDelay = true;
            if (_context.Config.TcpKeepAliveSeconds > 0)
            {
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            }
            _ = Task.Run(() => ServeAsync(socket));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        EpollLoop? loop = _eventLoops.Length == 0 ? null : _eventLoops[(uint)Interlocked.Increment(ref _nextEventLoop) % (uint)_clientLoops];
        Connection connection;
        try
        {
            connection = new Connection(socket, _context, _logger, loop);
        }
        catch (IOException e)
        {
            _logger.LogWarning("could not register a client socket: {Message}", e.Message);
            socket.Dispose();
            return;
        }
        bool accepted;
        using (_context.Store.Lock.EnterScope())
        {
            accepted = _context.Clients.Count < _context.Config.MaxClients;
            if (accepted)
            {
                _context.Clients.Add(connection.Client);
            }
            else
            {
                _context.Clients.RejectedConnections++;
            }
        }
        if (!accepted)
        {
            await connection.RejectAsync("-ERR max number of clients reached\r\n"u8.ToArray());
            return;
        }
        lock (_connectionsLock)
        {
            _connections.Add(connection);
        }
        try
        {
            await connection.RunAsync();
        }
        finally
        {
            lock (_connectionsLock)
            {
                _connections.Remove(connection);
            }
        }
    }

    private void CronLoop()
    {
        Thread.CurrentThread.Name = "cairn-cron";
        while (true)
        {
            int hz = Math.Clamp(_context.Config.Hz, 1, 500);
            if (_stopping.Token.WaitHandle.WaitOne(1000 / hz))
            {
                return;
            }
            try
            {
                Cron();
            }
            catch (Exception e)
            {
                _logger.LogError(e, "server cron failed");
            }
        }
    }

    /// <summary>One cron tick: active expiry with a bounded budget per database, and idle-client timeouts.</summary>
    private void Cron()
    {
        long now = _context.NowMilliseconds;
        int budgetPerDatabase = 20 * _context.Config.ActiveExpireEffort * 10;
        using (_context.Store.Lock.EnterScope())
        {
            for (int i = 0; i < _context.Store.DatabaseCount; i++)
            {
                Database db = _context.Store[i];
                if (db.VolatileCount > 0)
                {
                    db.ExpireDue(now, budgetPerDatabase);
                }
            }
            if (_context.Blocking.HasReadyKeys)
            {
                Dispatcher.ServeBlocked(_context);
            }
            _context.Documents.BackfillStep(Cairn.Commands.Search.DocumentIndexes.BackfillKeysPerTick);
            if (_context.Lsm is { } lsm)
            {
                lsm.ExpireDue(now, budgetPerDatabase); // keys only on disk; also commits the memory expiry above
            }
            else
            {
                _context.Snapshots.CheckSaveRules();
            }
            _context.Aof?.CheckAutoRewrite();
            _context.PeakMemoryBytes = Math.Max(_context.PeakMemoryBytes, _context.Store.UsedMemoryBytes);
            long timeoutMilliseconds = _context.Config.TimeoutSeconds * 1000;
            if (timeoutMilliseconds > 0)
            {
                foreach (Client client in _context.Clients.All.ToArray())
                {
                    bool exempt = client.SubscriptionCount > 0 || client.IsMonitor;
                    if (!exempt && now - client.LastInteractionMilliseconds > timeoutMilliseconds)
                    {
                        client.Connection.Close(afterReply: false);
                    }
                }
            }
        }
    }

    public async Task StopAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }
        _stopping.Cancel();
        foreach (Socket listener in _listeners)
        {
            listener.Dispose();
        }
        Connection[] open;
        lock (_connectionsLock)
        {
            open = [.. _connections];
        }
        foreach (Connection connection in open)
        {
            connection.Close(afterReply: false);
        }
        try
        {
            await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
        }
        foreach (EpollLoop loop in _eventLoops)
        {
            loop.Dispose();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
