using System.Runtime.CompilerServices;

namespace Cairn.Engine.Lsm.Tests.Golden;

/// <summary>
/// Compares encoded bytes with a file checked in beside this class. A changed encoding fails the test: bump the format
/// version, document it in docs/formats/, and regenerate with CAIRN_REGENERATE_GOLDEN=1.
/// </summary>
internal static class GoldenFile
{
    public static void AssertMatches(string name, byte[] actual, [CallerFilePath] string callerPath = "")
    {
        string directory = Path.Combine(Path.GetDirectoryName(callerPath)!, "Golden");
        if (!Directory.Exists(directory))
        {
            directory = Path.GetDirectoryName(callerPath)!;
        }
        string path = Path.Combine(directory, name);
        if (Environment.GetEnvironmentVariable("CAIRN_REGENERATE_GOLDEN") == "1")
        {
            File.WriteAllBytes(path, actual);
        }
        Assert.True(File.Exists(path), $"golden file {path} is missing; run with CAIRN_REGENERATE_GOLDEN=1 to create it");
        byte[] expected = File.ReadAllBytes(path);
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(actual));
    }
}
