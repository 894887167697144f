namespace IotSquares.Protocol;

/// <summary>The two ways of speaking the squares protocol.</summary>
public enum Dialect
{
    /// <summary>Not known yet: the greeting has not been read.</summary>
    Unknown = 0,

    /// <summary>
    /// The textbook's dialogue: <c>Hi there!</c>, <c>Hello. Nice to see you.</c>, then bare
    /// decimal integers answered by bare squares in lockstep. A message is what one read returns.
    /// </summary>
    Textbook = 1,

    /// <summary>Our own: LF-terminated lines, a versioned greeting, pipelining, numbered errors and goodbye.</summary>
    Framed = 2,
}
