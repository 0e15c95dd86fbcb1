use std::collections::VecDeque;

use super::*;
use crate::transport::memory::MemoryTransport;

/// A card that answers from a script, in order, and records what it was sent.
fn scripted(answers: Vec<Vec<u8>>) -> MemoryTransport {
    let mut queue: VecDeque<Vec<u8>> = answers.into();
    MemoryTransport::new(move |_| queue.pop_front().ok_or(TransportError::Disconnected)).logging()
}

#[test]
fn short_encoding_cases() {
    let c1 = Command::new(0, 0xA4, 4, 0);
    assert_eq!(&**c1.to_short_bytes().unwrap(), &[0, 0xA4, 4, 0]);
    let c4 = Command::new(0, 0xA4, 4, 0).with_data(&[1, 2]).with_le(256);
    assert_eq!(&**c4.to_short_bytes().unwrap(), &[0, 0xA4, 4, 0, 2, 1, 2, 0]);
    let long = Command::new(0, 0xDB, 0x3F, 0xFF).with_data(&[0; 256]);
    assert!(matches!(long.to_short_bytes(), Err(ApduError::DataTooLong { len: 256 })));
}

#[test]
fn chaining_splits_with_cla_bit_and_le_on_last() {
    let cmd = Command::new(0, 0xDB, 0x3F, 0xFF).with_data(&[7; 600]).with_le(256);
    let parts = cmd.chunks();
    assert_eq!(parts.len(), 3);
    assert_eq!(parts[0].cla, 0x10);
    assert_eq!(parts[1].cla, 0x10);
    assert_eq!(parts[2].cla, 0x00);
    assert_eq!(parts[0].le, None);
    assert_eq!(parts[2].le, Some(256));
    assert_eq!(parts.iter().map(|p| p.data.len()).sum::<usize>(), 600);
}

#[test]
fn follows_get_response() {
    let mut t = scripted(vec![vec![1, 2, 0x61, 0x02], vec![3, 4, 0x90, 0x00]]);
    let r = exchange(&mut t, &Command::new(0, 0xCB, 0x3F, 0xFF).with_le(256)).unwrap();
    assert_eq!(&**r.data, &[1, 2, 3, 4]);
    assert_eq!(r.sw, StatusWord::Success);
    assert_eq!(t.sent()[1], vec![0, 0xC0, 0, 0, 2]);
}

#[test]
fn reissues_on_wrong_le() {
    let mut t = scripted(vec![vec![0x6C, 0x03], vec![9, 9, 9, 0x90, 0x00]]);
    let r = exchange(&mut t, &Command::new(0, 0xCA, 0, 0).with_le(256)).unwrap();
    assert_eq!(&**r.data, &[9, 9, 9]);
    assert_eq!(t.sent()[1], vec![0, 0xCA, 0, 0, 3]);
}

#[test]
fn endless_more_data_is_bounded() {
    let mut t = MemoryTransport::new(|_| Ok(vec![0xAA, 0x61, 0x01]));
    let err = exchange(&mut t, &Command::new(0, 0xCB, 0x3F, 0xFF).with_le(256)).unwrap_err();
    assert!(matches!(err, ApduError::EndlessGetResponse { .. }), "{err:?}");
}

#[test]
fn oversized_response_is_refused() {
    let mut t = MemoryTransport::new(|_| {
        let mut v = vec![0u8; 4000];
        v.extend_from_slice(&[0x61, 0x00]);
        Ok(v)
    });
    let err = exchange(&mut t, &Command::new(0, 0xCB, 0x3F, 0xFF).with_le(256)).unwrap_err();
    assert!(matches!(err, ApduError::ResponseTooLarge { .. }), "{err:?}");
}

#[test]
fn short_response_is_an_error_not_a_panic() {
    let mut t = scripted(vec![vec![0x90]]);
    let err = exchange(&mut t, &Command::new(0, 0xA4, 4, 0)).unwrap_err();
    assert!(matches!(err, ApduError::ResponseTooShort { len: 1 }));
}

#[test]
fn chained_command_stops_on_error() {
    let mut t = scripted(vec![vec![0x6A, 0x84]]);
    let cmd = Command::new(0, 0xDB, 0x3F, 0xFF).with_data(&[1; 300]);
    let r = exchange(&mut t, &cmd).unwrap();
    assert_eq!(r.sw, StatusWord::NotEnoughMemory);
    assert_eq!(t.sent().len(), 1);
}

#[test]
fn status_words_round_trip() {
    for raw in [0x9000u16, 0x6110, 0x63C2, 0x6983, 0x6A82, 0x6C10, 0x6F00, 0x6581] {
        let [a, b] = raw.to_be_bytes();
        assert_eq!(StatusWord::from_bytes(a, b).to_u16(), raw);
    }
    assert_eq!(StatusWord::from_bytes(0x63, 0xC2), StatusWord::TriesLeft { tries: 2 });
}

#[test]
fn extended_encoding_cases() {
    let c2 = Command::new(0, 0xCB, 0x3F, 0xFF).with_le(0x1000);
    assert_eq!(&**c2.to_extended_bytes().unwrap(), &[0, 0xCB, 0x3F, 0xFF, 0, 0x10, 0x00]);
    let c4 = Command::new(0, 0xDB, 0x3F, 0xFF).with_data(&[9; 300]).with_le(0);
    let b = c4.to_extended_bytes().unwrap();
    assert_eq!(&b[..7], &[0, 0xDB, 0x3F, 0xFF, 0, 0x01, 0x2C]);
    assert_eq!(b.len(), 7 + 300 + 2);
    assert_eq!(&b[b.len() - 2..], &[0, 0]);
    let c1 = Command::new(0, 0xA4, 4, 0);
    assert_eq!(&**c1.to_extended_bytes().unwrap(), &[0, 0xA4, 4, 0]);
}

/// Issue 13: a 6Cxx ("wrong Le, use xx") to a PIN-bearing command is returned as it is: the
/// PIN goes to the card once per user attempt, whatever the card answers.
#[test]
fn wrong_le_never_resends_a_secret() {
    for ins in [0x20u8, 0x24, 0x2C, 0xFE] {
        let mut t = scripted(vec![vec![0x6C, 0x10], vec![0x90, 0x00]]);
        let cmd = Command::new(0, ins, 0, 0x80).with_data(b"123456\xFF\xFF");
        let r = exchange(&mut t, &cmd).unwrap();
        assert_eq!(r.sw, StatusWord::WrongLength { exact: 0x10 }, "{ins:02X}");
        assert_eq!(t.sent().len(), 1, "INS {ins:02X} sent {} times", t.sent().len());
    }
    // Management-key GENERAL AUTHENTICATE (reference 9B) likewise; a plain read is re-issued.
    let mut t = scripted(vec![vec![0x6C, 0x10], vec![0x90, 0x00]]);
    let _ =
        exchange(&mut t, &Command::new(0, 0x87, 0x03, 0x9B).with_data(&[0x7C, 0x02, 0x80, 0x00])).unwrap();
    assert_eq!(t.sent().len(), 1);
    let mut t = scripted(vec![vec![0x6C, 0x10], vec![0x90, 0x00]]);
    let _ = exchange(&mut t, &Command::new(0, 0xCB, 0x3F, 0xFF).with_data(&[0x5C, 0x01, 0x7E])).unwrap();
    assert_eq!(t.sent().len(), 2);
}

/// Issue 13: `Debug` of a command never shows a PIN, PUK or key; of a response, never its body.
#[test]
fn debug_redacts_secrets() {
    let pin = b"1234\x35\x36\xFF\xFF";
    for ins in [0x20u8, 0x24, 0x2C, 0xFE, 0xFF] {
        let text = format!("{:?}", Command::new(0, ins, 0, 0x80).with_data(pin));
        assert!(!text.contains("31323334") && text.contains("8 bytes redacted"), "{text}");
    }
    let ga =
        format!("{:?}", Command::new(0, 0x87, 0x03, 0x9B).with_data(&[0x7C, 0x0A, 0x80, 0x08, 0xAB, 0xCD]));
    assert!(ga.contains("redacted") && !ga.contains("ABCD"), "{ga}");
    let read = format!("{:?}", Command::new(0, 0xCB, 0x3F, 0xFF).with_data(&[0x5C, 0x01, 0x7E]));
    assert!(read.contains("5C017E"), "non-secret data stays visible: {read}");
    let resp = format!("{:?}", Response::parse(&[0xDE, 0xAD, 0xBE, 0xEF, 0x90, 0x00]).unwrap());
    assert!(!resp.to_uppercase().contains("DEAD") && resp.contains("4 bytes"), "{resp}");
}
