using System.Globalization;
using Cairn.Commands.Config;
using Cairn.Server.Networking.Epoll;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Protocol;

/// <summary>
/// event-loop-poll-us: an epoll loop polls for its next events for a while after a turn before it sleeps, backs off while
/// its polls find nothing, and never keeps polling on an idle server.
/// </summary>
public sealed class IdlePollTests
{
    [Fact]
    public void Polls_that_find_nothing_back_off_exponentially_and_one_that_finds_events_resets_them()
    {
        var poll = new IdlePoll();
        Assert.True(poll.ShouldPoll());
        int[] expectedSkips = [1, 3, 7, 15, 31, 63, 63, 63];
        foreach (int skip in expectedSkips)
        {
            poll.Polled(foundEvents: false);
            for (int i = 0; i < skip; i++)
            {
                Assert.False(poll.ShouldPoll());
            }
            Assert.True(poll.ShouldPoll());
        }
        Assert.Equal(IdlePoll.MaxSkippedTurns, expectedSkips[^1]);

        poll.Polled(foundEvents: true);
        Assert.True(poll.ShouldPoll());
        Assert.True(poll.ShouldPoll());
        poll.Polled(foundEvents: false);
        Assert.False(poll.ShouldPoll()); // the first miss after a find skips one turn again
        Assert.True(poll.ShouldPoll());
    }

    [Fact]
    public async Task Busy_clients_are_met_by_polls_and_an_idle_loop_stops_polling()
    {
        await using var server = new TestServer(c =>
        {
            c.IoThreads = 1;
            c.EventLoopPollMicroseconds = 30; // the default, except under a CPU quota
        });
        using (RawClient admin = server.Raw())
        {
            Assert.Equal("[event-loop-poll-us, 30]", admin.Execute("CONFIG", "GET", "event-loop-poll-us"));
        }
        EpollLoop loop = Assert.Single(server.Server.EventLoops);

        await RunClientsAsync(server, clients: 8, requestsEach: 500);
        Assert.True(loop.PollsWithEvents > 0, $"no poll found events ({loop.PollsWithout} found none)");
        using (RawClient admin = server.Raw())
        {
            // INFO stats reports the loops' counts (Cairn's own fields) since the last CONFIG RESETSTAT.
            string stats = admin.Execute("INFO", "stats");
            Assert.InRange(Stat(stats, "event_loop_polls_with_events"), 1, loop.PollsWithEvents);
            Assert.InRange(Stat(stats, "event_loop_polls_without_events"), 0, loop.PollsWithout);
            Assert.Equal("+OK", admin.Execute("CONFIG", "RESETSTAT"));
            // The poll that found the INFO request itself may count after the reset.
            Assert.InRange(Stat(admin.Execute("INFO", "stats"), "event_loop_polls_with_events"), 0, 2);
        }

        // Idle: once the clients' disconnects are handled, at most the poll that follows the last turn, then the loop sleeps.
        await Task.Delay(200);
        long polls = loop.PollsWithEvents + loop.PollsWithout;
        long cpuBefore = ThreadCpuTicks(loop.KernelThreadId);
        await Task.Delay(1000);
        Assert.InRange(loop.PollsWithEvents + loop.PollsWithout - polls, 0, 1);
        Assert.InRange(ThreadCpuTicks(loop.KernelThreadId) - cpuBefore, 0, 5); // clock ticks of 10 ms: under 50 ms in the second
    }

    [Theory]
    [InlineData(2, 2, 30)]
    [InlineData(1, 1, 30)] // pinned to one core
    [InlineData(4, 64, 0)] // a quota of 4 cores on a 64-core host
    [InlineData(1, 2, 0)]
    public void The_default_window_is_off_when_a_cpu_quota_leaves_fewer_processors_than_the_affinity_mask(
        int processorCount, int affinityCount, int expected)
    {
        Assert.Equal(expected, ServerConfig.DefaultEventLoopPollMicroseconds(processorCount, affinityCount));
    }

    [Fact]
    public async Task A_poll_window_of_zero_sleeps_at_once_and_the_option_can_be_changed_at_run_time()
    {
        await using var server = new TestServer(c => c.IoThreads = 1);
        using RawClient admin = server.Raw();
        Assert.Equal("+OK", admin.Execute("CONFIG", "SET", "event-loop-poll-us", "0"));
        EpollLoop loop = Assert.Single(server.Server.EventLoops);
        // A connection's first request may run off the loop, while the loop polls on from an earlier turn (its new socket's
        // first write edge): the poll in progress ends before the baseline is read.
        await Task.Delay(100);
        long polls = loop.PollsWithEvents + loop.PollsWithout;

        await RunClientsAsync(server, clients: 4, requestsEach: 200);
        Assert.Equal(polls, loop.PollsWithEvents + loop.PollsWithout);

        Assert.Equal("+OK", admin.Execute("CONFIG", "SET", "event-loop-poll-us", "50"));
        Assert.Equal("[event-loop-poll-us, 50]", admin.Execute("CONFIG", "GET", "event-loop-poll-us"));
        await RunClientsAsync(server, clients: 4, requestsEach: 200);
        Assert.True(loop.PollsWithEvents + loop.PollsWithout > polls);
        Assert.Equal("-ERR CONFIG SET failed (possibly related to argument 'event-loop-poll-us') - argument must be between 0 and 10000 inclusive",
            admin.Execute("CONFIG", "SET", "event-loop-poll-us", "10001"));
    }

    /// <summary>Unpipelined INCRs from several clients at once; checks every reply.</summary>
    private static async Task RunClientsAsync(TestServer server, int clients, int requestsEach)
    {
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(() =>
        {
            using RawClient client = server.Raw();
            for (int i = 1; i <= requestsEach; i++)
            {
                Assert.Equal(":" + i, client.Execute("INCR", "poll:" + c));
            }
            client.Execute("DEL", "poll:" + c);
        })));
    }

    private static long Stat(string info, string field) => long.Parse(RawClient.InfoField(info, field), CultureInfo.InvariantCulture);

    /// <summary>User plus system CPU time of one of this process's threads, in clock ticks (/proc/self/task/TID/stat).</summary>
    private static long ThreadCpuTicks(int threadId)
    {
        string stat = File.ReadAllText($"/proc/self/task/{threadId}/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // after "pid (comm) ": field 3 onwards
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture); // utime, stime
    }
}
