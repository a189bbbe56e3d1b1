using System.Reflection;
using System.Runtime.CompilerServices;

namespace Cairn.Engine.Memory.Persistence;

/// <summary>
/// Compiles the code of rare background jobs (an AOF rewrite, a BGSAVE) while the server is idle, rather than the first
/// time the job runs, which is usually under load: the server compiles its own code fully optimised at first call (no
/// quick JIT, Cairn.Host.csproj), and a fresh server's first auto-rewrite compiled about seventy methods, 30-40 ms of
/// CPU taken from the event loops in the middle of a write flood (perf of SET -P16 pinned to one core, bench/README.md,
/// AOF "Seventh pass"). The host also hands over all command code this way (<see cref="StartAssemblies"/>), gated on the
/// server being idle. Each type, its nested types (lambdas, async state machines) and their non-generic methods are
/// compiled once per process, on a thread at the lowest priority that ends when done.
/// Generic methods and methods of generic types are skipped: their instantiations are not known here. The virtual
/// methods of classes (interface implementations such as <see cref="SnapshotJob"/>'s write hooks) are handed over too,
/// but .NET 10 with tiered compilation leaves them to their first call (measured with DOTNET_JitDisasmSummary): small
/// hooks whose work is in non-virtual methods that are compiled here.
/// </summary>
public static class BackgroundCodeWarmup
{
    private const int LowestNiceValue = 19;
    private static readonly HashSet<Type> Requested = [];

    /// <summary>Starts compiling the types not requested before in this process; returns at once. Null when there is nothing new.</summary>
    public static Thread? Start(params Type[] types) => Start(idle: null, types);

    /// <summary>
    /// As <see cref="Start(Type[])"/>, compiling only while <paramref name="idle"/> says the server is idle (when given):
    /// it is asked before every <see cref="MethodsPerIdleCheck"/> methods, and while it says no the thread sleeps for
    /// <see cref="BusyPause"/> and asks again. Compiling next to a loaded server cost it 17-23% of its requests even at
    /// the lowest priority (bench/README.md, "Command code compiled ahead"); under load that never stops the thread
    /// simply waits, and first calls compile their code as they would without it.
    /// </summary>
    public static Thread? Start(Func<bool>? idle, params Type[] types)
    {
        var fresh = new List<Type>();
        lock (Requested)
        {
            foreach (Type type in types)
            {
                if (Requested.Add(type))
                {
                    fresh.Add(type);
                }
            }
        }
        if (fresh.Count == 0)
        {
            return null;
        }
        var thread = new Thread(() => Prepare(fresh, idle)) { IsBackground = true, Name = "cairn-warmup" };
        thread.Start();
        return thread;
    }

    /// <summary>
    /// Starts compiling a snapshot's code (its walk, its formats, the collection codecs, the keyspace's copy-on-write
    /// hooks, which run on the event loops) and <paramref name="callers"/>' (the services that run snapshots, an AOF
    /// rewrite or BGSAVE, and the write path's hooks into them).
    /// </summary>
    public static Thread? StartSnapshotCode(params Type[] callers) =>
        Start([typeof(SnapshotJob), typeof(CapturedStrings), typeof(SnapshotFormat), typeof(CollectionCodecs), typeof(StringCodec),
            typeof(ValueCodecs), typeof(Keyspace.Database), typeof(Keyspace.KeyEntry), typeof(Cairn.Primitives.Varint), .. callers]);

    /// <summary>
    /// Starts compiling every type of <paramref name="assemblies"/> (their top-level types; <see cref="MethodsOf"/> takes the
    /// nested ones): the command handlers, the types they work on and the reply writers, so that a command's first call
    /// does not compile them on an event loop while every client of that loop waits (5-90 ms per command on a fresh node).
    /// </summary>
    public static Thread? StartAssemblies(Func<bool> idle, params Assembly[] assemblies) =>
        Start(idle, [.. assemblies.SelectMany(TypesOf)]);

    /// <summary>Methods compiled between two questions to the idle test (about 10 ms of compiling).</summary>
    public const int MethodsPerIdleCheck = 16;

    /// <summary>How long the thread waits before asking again when the server is busy.</summary>
    public static readonly TimeSpan BusyPause = TimeSpan.FromMilliseconds(100);

    /// <summary>The types <see cref="StartAssemblies"/> hands over for <paramref name="assembly"/>: its top-level classes and
    /// structs (exposed for tests).</summary>
    public static IEnumerable<Type> TypesOf(Assembly assembly)
    {
        Type?[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            types = e.Types; // the types that did load
        }
        return types.Where(t => t is not null && t.DeclaringType is null && !t.IsInterface)!;
    }

    /// <summary>The methods <see cref="Start"/> compiles for <paramref name="type"/> (exposed for tests).</summary>
    public static IEnumerable<MethodBase> MethodsOf(Type type)
    {
        if (type.ContainsGenericParameters)
        {
            yield break;
        }
        const BindingFlags Declared = BindingFlags.DeclaredOnly | BindingFlags.Instance | BindingFlags.Static
            | BindingFlags.Public | BindingFlags.NonPublic;
        foreach (ConstructorInfo constructor in type.GetConstructors(Declared))
        {
            if (!constructor.IsStatic)
            {
                yield return constructor;
            }
        }
        foreach (MethodInfo method in type.GetMethods(Declared))
        {
            if (!method.IsAbstract && !method.ContainsGenericParameters && method.GetMethodBody() is not null)
            {
                yield return method;
            }
        }
        foreach (Type nested in type.GetNestedTypes(Declared))
        {
            foreach (MethodBase method in MethodsOf(nested))
            {
                yield return method;
            }
        }
    }

    private static void Prepare(List<Type> types, Func<bool>? idle)
    {
        BackgroundThreadPriority.Lower(LowestNiceValue);
        int sinceCheck = 0;
        foreach (Type type in types)
        {
            foreach (MethodBase method in MethodsOf(type))
            {
                if (idle is not null && sinceCheck++ % MethodsPerIdleCheck == 0)
                {
                    while (!idle())
                    {
                        Thread.Sleep(BusyPause);
                    }
                }
                try
                {
                    RuntimeHelpers.PrepareMethod(method.MethodHandle);
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException or TypeLoadException or MissingMethodException)
                {
                    // A method the runtime cannot compile ahead of its call (rare shapes): it compiles at first call as before.
                }
            }
        }
    }
}
