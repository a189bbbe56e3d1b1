using System.Reflection;
using Cairn.Commands.Persistence;
using Cairn.Engine.Memory.Persistence;

namespace Cairn.Server.Tests.Persistence;

/// <summary>Compiling a background job's code ahead of its first run: which methods, and once per process.</summary>
public sealed class BackgroundCodeWarmupTests
{
    private sealed class Sample
    {
        private int _calls;

        public Sample() => _calls = 1;

        public int Plain(int x) => x + _calls;

        public static T Generic<T>(T value) => value;

        public async Task<int> LaterAsync()
        {
            await Task.Yield();
            return _calls;
        }

        private sealed class Inner
        {
            public static int Nested() => 7;
        }

        private sealed class Box<T>
        {
            public static T? Empty() => default;
        }
    }

    [Fact]
    public void MethodsOfATypeIncludeConstructorsNestedTypesAndStateMachinesButNoGenericOnes()
    {
        var names = BackgroundCodeWarmup.MethodsOf(typeof(Sample)).Select(m => m.DeclaringType!.Name + "." + m.Name).ToHashSet();
        Assert.Contains("Sample..ctor", names);
        Assert.Contains("Sample.Plain", names);
        Assert.Contains("Sample.LaterAsync", names);
        Assert.Contains("Inner.Nested", names);
        Assert.Contains(names, n => n.EndsWith(".MoveNext", StringComparison.Ordinal)); // the async method's state machine
        Assert.DoesNotContain("Sample.Generic", names);
        Assert.DoesNotContain(names, n => n.StartsWith("Box", StringComparison.Ordinal));
    }

    [Fact]
    public void TheRewritePathIsCovered()
    {
        var methods = BackgroundCodeWarmup.MethodsOf(typeof(AofService)).Concat(BackgroundCodeWarmup.MethodsOf(typeof(SnapshotJob))).ToList();
        Assert.Contains(methods, m => m.Name == "FinishRewrite");
        Assert.Contains(methods, m => m.Name == "CaptureRange");
        Assert.Contains(methods, m => m.Name == "MoveNext" && m.DeclaringType!.Name.Contains("RunRewrite", StringComparison.Ordinal));
    }

    private sealed class GatedSample
    {
        public static int Twice(int x) => x * 2;
    }

    [Fact]
    public void AGatedWarmupCompilesNothingWhileTheServerIsBusy()
    {
        int asked = 0;
        bool idle = false;
        Thread? thread = BackgroundCodeWarmup.Start(() =>
        {
            Interlocked.Increment(ref asked);
            return Volatile.Read(ref idle);
        }, typeof(GatedSample));
        Assert.NotNull(thread);
        Thread.Sleep(BackgroundCodeWarmup.BusyPause * 3);
        Assert.True(thread.IsAlive, "the warm-up went on while the server was busy");
        Assert.True(Volatile.Read(ref asked) >= 2, "a busy server was not asked again");
        Volatile.Write(ref idle, true);
        Assert.True(thread.Join(TimeSpan.FromSeconds(30)), "the warm-up did not finish once the server was idle");
        Assert.Equal(14, GatedSample.Twice(7));
    }

    [Fact]
    public void AnAssemblysTypesAreItsTopLevelClassesAndStructs()
    {
        List<Type> types = BackgroundCodeWarmup.TypesOf(typeof(BackgroundCodeWarmupTests).Assembly).ToList();
        Assert.Contains(typeof(BackgroundCodeWarmupTests), types);
        Assert.DoesNotContain(typeof(Sample), types); // nested: MethodsOf reaches it through its declaring type
        Assert.All(types, t => Assert.False(t.IsInterface, t.FullName));
        Assert.All(types, t => Assert.Null(t.DeclaringType));
    }

    [Fact]
    public void EachTypeIsCompiledOncePerProcess()
    {
        Thread? first = BackgroundCodeWarmup.Start(typeof(Sample));
        Assert.NotNull(first);
        Assert.True(first.Join(TimeSpan.FromSeconds(30)), "the warm-up thread did not finish");
        Assert.Null(BackgroundCodeWarmup.Start(typeof(Sample)));
        Assert.Equal(8, new Sample().Plain(7)); // still callable as before
    }
}
