namespace Cairn.Primitives;

/// <summary>Thrown when an invariant fails: always a bug in Cairn, never a user error.</summary>
public sealed class InvariantViolationException : Exception
{
    public InvariantViolationException(string message) : base(message)
    {
    }
}
