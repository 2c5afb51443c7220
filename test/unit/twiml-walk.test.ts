import twilio from 'twilio';
import {
  nextStep,
  parseTwiml,
  resolveUrl,
  TRANSCRIPTION_TEXT,
  type Turn,
  TwimlError,
} from '../../src/twilio-sim/twiml-walk.js';

const ACCOUNT = `AC${'0'.repeat(32)}`;
const CALL = `CA${'1'.repeat(32)}`;
const turn = (inputs: string[] = [], extra: Partial<Turn> = {}): Turn => ({
  inputs,
  hangup: false,
  callSid: CALL,
  accountSid: ACCOUNT,
  from: '+15551234567',
  newSid: (prefix) => `${prefix}${'a'.repeat(32)}`,
  ...extra,
});

/** A main menu as the voice door writes it: a Gather in two languages, then a retry. */
function menu() {
  const r = new twilio.twiml.VoiceResponse();
  const g = r.gather({
    action: '/twilio/voice/menu?lang=en&try=1',
    input: ['dtmf', 'speech'],
    numDigits: 1,
    timeout: 5,
    language: 'en-US',
  });
  g.say(
    { language: 'en-US', voice: 'Polly.Joanna' },
    'Thanks for calling Orderly demo shop. For the status of an order, press 1 or say status.',
  );
  g.say({ language: 'he-IL' }, 'לעברית, הקישו 9.');
  r.say({ language: 'en-US' }, 'Sorry, I did not get that.');
  r.redirect('/twilio/voice?try=2');
  return r.toString();
}

describe('parseTwiml', () => {
  test('When the main menu is read, then the Gather keeps its attributes (entities decoded) and both Says, in order', () => {
    expect(parseTwiml(menu())).toEqual([
      {
        verb: 'gather',
        action: '/twilio/voice/menu?lang=en&try=1',
        method: 'POST',
        input: ['dtmf', 'speech'],
        numDigits: 1,
        finishOnKey: '#',
        timeout: 5,
        language: 'en-US',
        actionOnEmptyResult: false,
        prompts: [
          {
            verb: 'say',
            language: 'en-US',
            voice: 'Polly.Joanna',
            text: 'Thanks for calling Orderly demo shop. For the status of an order, press 1 or say status.',
          },
          { verb: 'say', language: 'he-IL', text: 'לעברית, הקישו 9.' },
        ],
      },
      { verb: 'say', language: 'en-US', text: 'Sorry, I did not get that.' },
      { verb: 'redirect', url: '/twilio/voice?try=2', method: 'POST' },
    ]);
  });

  test('When a Say holds the five XML specials and Hebrew, then its text comes back as written', () => {
    const r = new twilio.twiml.VoiceResponse();
    const text = `Tom & Jerry's "mugs" <2> — הזמנה 1042 נשלחה`;
    r.say({ language: 'he-IL' }, text);
    expect(r.toString()).toContain('&amp;');
    expect(parseTwiml(r.toString())).toEqual([{ verb: 'say', language: 'he-IL', text }]);
  });

  test('When references are numeric (decimal or hex) or in attributes, then they are decoded too', () => {
    const xml =
      '<?xml version="1.0"?>\n<Response>\n  <Say language="he&#x2D;IL">&#1513;&#x05DC;&#x5D5;&#1501; &lt;&amp;&gt;</Say>\n</Response>\n';
    expect(parseTwiml(xml)).toEqual([{ verb: 'say', language: 'he-IL', text: 'שלום <&>' }]);
  });

  test('When a Say carries SSML (say-as, break), then each tag is a word of its own, with single spaces', () => {
    const r = new twilio.twiml.VoiceResponse();
    const say = r.say({ language: 'en-US' }, 'Order');
    say.sayAs({ 'interpret-as': 'digits' }, '1042');
    say.addText('is');
    say.emphasis('shipped');
    say.addText('.');
    say.break({ time: '1s' });
    say.addText('Goodbye.');
    expect(parseTwiml(r.toString())).toEqual([
      { verb: 'say', language: 'en-US', text: 'Order 1042 is shipped. Goodbye.' },
    ]);
  });

  test('When every other verb is written by the library, then each is read with its attributes or their Twilio defaults', () => {
    const r = new twilio.twiml.VoiceResponse();
    r.play({ loop: 2 }, 'https://example.test/hold.mp3');
    r.pause({ length: 2 });
    r.pause();
    const dial = r.dial({
      action: '/twilio/voice/dialled?n=1042&lang=he',
      callerId: '+15550000000',
      timeout: 20,
    });
    dial.number('+15557654321');
    r.dial('+15559990000');
    r.record({
      action: 'voicemail?lang=en',
      maxLength: 120,
      transcribe: true,
      transcribeCallback: '/twilio/voice/transcription?lang=en',
      playBeep: false,
    });
    r.record();
    r.gather({ action: 'x' }).play('https://example.test/beep.mp3');
    r.hangup();
    r.reject({ reason: 'busy' });
    r.enqueue('support');
    expect(parseTwiml(r.toString())).toEqual([
      { verb: 'play', url: 'https://example.test/hold.mp3', loop: 2 },
      { verb: 'pause', length: 2 },
      { verb: 'pause', length: 1 },
      {
        verb: 'dial',
        action: '/twilio/voice/dialled?n=1042&lang=he',
        method: 'POST',
        callerId: '+15550000000',
        timeout: 20,
        numbers: ['+15557654321'],
      },
      { verb: 'dial', method: 'POST', timeout: 30, numbers: ['+15559990000'] },
      {
        verb: 'record',
        action: 'voicemail?lang=en',
        method: 'POST',
        maxLength: 120,
        transcribe: true,
        transcribeCallback: '/twilio/voice/transcription?lang=en',
        playBeep: false,
      },
      { verb: 'record', method: 'POST', maxLength: 3600, transcribe: false, playBeep: true },
      {
        verb: 'gather',
        action: 'x',
        method: 'POST',
        input: ['dtmf'],
        finishOnKey: '#',
        timeout: 5,
        actionOnEmptyResult: false,
        prompts: [{ verb: 'play', url: 'https://example.test/beep.mp3' }],
      },
      { verb: 'hangup' },
      { verb: 'reject', reason: 'busy' },
      { verb: 'other', name: 'Enqueue' },
    ]);
  });

  test('When a transcribeCallback is given without transcribe, then transcription is on (Twilio implies it)', () => {
    const r = new twilio.twiml.VoiceResponse();
    r.record({ transcribeCallback: '/t' });
    expect(parseTwiml(r.toString())).toEqual([expect.objectContaining({ transcribe: true })]);
  });

  test('When a document is written by hand with comments, CDATA, single quotes and CRLF, then it reads the same', () => {
    const xml =
      "\uFEFF<?xml version='1.0' encoding='UTF-8'?>\r\n<!-- menu -->\r\n<Response>\r\n  <Say language='en-US'><![CDATA[Fish & <chips>]]></Say>\r\n  <Hangup />\r\n</Response>\r\n";
    expect(parseTwiml(xml)).toEqual([
      { verb: 'say', language: 'en-US', text: 'Fish & <chips>' },
      { verb: 'hangup' },
    ]);
  });

  test('When the response is empty, then there is nothing to run', () => {
    expect(parseTwiml(new twilio.twiml.VoiceResponse().toString())).toEqual([]);
  });

  test.each([
    ['not XML at all', 'Internal Server Error'],
    ['an SMS reply', '<Response><Message>hi</Message>'],
    ['another root', '<?xml version="1.0"?><html><body>hi</body></html>'],
    ['a tag closed by another', '<Response><Say>hi</Gather></Response>'],
    ['a bare ampersand', '<Response><Say>Fish & chips</Say></Response>'],
    ['an unknown entity', '<Response><Say>&nbsp;</Say></Response>'],
    ['a reference to a character XML cannot carry', '<Response><Say>&#0;</Say></Response>'],
    ['a DOCTYPE', '<!DOCTYPE x [<!ENTITY a "b">]><Response/>'],
    ['two roots', '<Response/><Response/>'],
    ['an attribute twice', '<Response><Pause length="1" length="2"/></Response>'],
    ['an unquoted attribute', '<Response><Pause length=1/></Response>'],
    ['a non-numeric number', '<Response><Gather numDigits="one"/></Response>'],
    ['a Dial inside a Gather', '<Response><Gather><Dial>+15550000000</Dial></Gather></Response>'],
    ['text loose in the Response', '<Response>Hello</Response>'],
    ['a Redirect without a URL', '<Response><Redirect/></Response>'],
  ])('When Twilio would refuse %s, then parsing throws a TwimlError', (_what, xml) => {
    expect(() => parseTwiml(xml)).toThrow(TwimlError);
  });
});

describe('resolveUrl', () => {
  const here = 'https://orders.example.test/twilio/voice/menu?lang=en&try=1';
  test.each([
    ['/twilio/voice/menu?lang=he&try=2', 'https://orders.example.test/twilio/voice/menu?lang=he&try=2'],
    ['status?n=1042', 'https://orders.example.test/twilio/voice/status?n=1042'],
    ['./menu', 'https://orders.example.test/twilio/voice/menu'],
    ['../sms', 'https://orders.example.test/twilio/sms'],
    ['?try=2', 'https://orders.example.test/twilio/voice/menu?try=2'],
    ['', 'https://orders.example.test/twilio/voice/menu?lang=en&try=1'],
    ['  /twilio/voice  ', 'https://orders.example.test/twilio/voice'],
    ['https://elsewhere.test/ivr?x=1#frag', 'https://elsewhere.test/ivr?x=1'],
  ])('When TwiML at the menu names %j, then Twilio requests %s', (target, expected) => {
    expect(resolveUrl(here, target)).toBe(expected);
  });

  test('When the first request went to the bare door, then a relative action replaces its last segment', () => {
    expect(resolveUrl('http://localhost:3000/twilio/voice', 'menu?lang=en')).toBe(
      'http://localhost:3000/twilio/menu?lang=en',
    );
    expect(resolveUrl('http://localhost:3000/twilio/voice/', 'menu?lang=en')).toBe(
      'http://localhost:3000/twilio/voice/menu?lang=en',
    );
  });

  test('When the current URL is a path, then the result is a path too', () => {
    expect(resolveUrl('/twilio/voice/menu?lang=en', 'record?lang=en')).toBe('/twilio/voice/record?lang=en');
    expect(resolveUrl('/twilio/voice', '/twilio/voice/status')).toBe('/twilio/voice/status');
    expect(resolveUrl('/twilio/voice', 'https://elsewhere.test/x')).toBe('https://elsewhere.test/x');
  });
});

describe('nextStep', () => {
  test('When the caller presses 1 at the menu, then the Says are heard and Digits=1 goes to the Gather action', () => {
    const step = nextStep(parseTwiml(menu()), turn(['1', '1042']));
    expect(step.lines).toEqual([
      '[en-US] Thanks for calling Orderly demo shop. For the status of an order, press 1 or say status.',
      '[he-IL] לעברית, הקישו 9.',
      '… waiting for keypad or speech (you: 1)',
    ]);
    expect(step.used).toBe(1);
    expect(step.next).toEqual({
      kind: 'request',
      url: '/twilio/voice/menu?lang=en&try=1',
      method: 'POST',
      fields: { Digits: '1' },
    });
  });

  test('When the caller speaks (Hebrew), then SpeechResult and Confidence are sent', () => {
    const step = nextStep(parseTwiml(menu()), turn(['סטטוס']));
    expect(step.lines.at(-1)).toBe('… waiting for keypad or speech (you: “סטטוס”)');
    expect(step.next).toEqual(
      expect.objectContaining({ kind: 'request', fields: { SpeechResult: 'סטטוס', Confidence: '0.9' } }),
    );
  });

  test('When the caller keys an order number ending in #, then the finishing key is not part of Digits', () => {
    const r = new twilio.twiml.VoiceResponse();
    r.gather({ action: 'lookup' }).say('Key the order number, then hash.');
    expect(nextStep(parseTwiml(r.toString()), turn(['1042#'])).next).toEqual(
      expect.objectContaining({ url: 'lookup', fields: { Digits: '1042' } }),
    );
  });

  test('When the inputs are used up, then the caller stays silent and the verbs after the Gather run', () => {
    const step = nextStep(parseTwiml(menu()), turn([]));
    expect(step.lines.slice(2)).toEqual([
      '… waiting for keypad or speech (silence)',
      '[en-US] Sorry, I did not get that.',
    ]);
    expect(step.used).toBe(0);
    expect(step.next).toEqual({ kind: 'request', url: '/twilio/voice?try=2', method: 'POST', fields: {} });
  });

  test('When the inputs are used up with --hangup, then the caller hangs up at the Gather', () => {
    const step = nextStep(parseTwiml(menu()), turn([], { hangup: true }));
    expect(step.lines.slice(2)).toEqual(['… waiting for keypad or speech (you hang up)', '(the call ends)']);
    expect(step.next).toEqual({ kind: 'end', why: 'caller hung up' });
  });

  test('When a silent Gather asks for the action anyway (actionOnEmptyResult), then the action is requested without Digits', () => {
    const r = new twilio.twiml.VoiceResponse();
    r.gather({ action: 'menu', actionOnEmptyResult: true });
    expect(nextStep(parseTwiml(r.toString()), turn()).next).toEqual({
      kind: 'request',
      url: 'menu',
      method: 'POST',
      fields: {},
    });
  });

  test('When the TwiML dials an agent, then nobody answers and the Dial action hears no-answer', () => {
    const r = new twilio.twiml.VoiceResponse();
    r.say({ language: 'en-US' }, 'Connecting you to our team.');
    r.dial({ action: '/twilio/voice/dialled?lang=en', callerId: '+15550000000', timeout: 20 }).number(
      '+15557654321',
    );
    const step = nextStep(parseTwiml(r.toString()), turn());
    expect(step.lines).toEqual([
      '[en-US] Connecting you to our team.',
      '(dialling +15557654321 with caller ID +15550000000)',
      '(no answer after 20 s)',
    ]);
    expect(step.next).toEqual({
      kind: 'request',
      url: '/twilio/voice/dialled?lang=en',
      method: 'POST',
      fields: { DialCallStatus: 'no-answer', DialCallDuration: '0' },
    });
  });

  test('When a Dial has no action, then the call goes on after it (the caller ID defaults to the caller)', () => {
    const r = new twilio.twiml.VoiceResponse();
    r.dial('+15557654321');
    r.say('Nobody is free.');
    const step = nextStep(parseTwiml(r.toString()), turn());
    expect(step.lines).toEqual([
      '(dialling +15557654321 with caller ID +15551234567)',
      '(no answer after 30 s)',
      '[en-US] Nobody is free.',
      '(the call ends)',
    ]);
    expect(step.next).toEqual({ kind: 'end', why: 'end of document' });
  });

  test('When the TwiML records a voicemail, then the recording goes to the action and the transcription comes later', () => {
    const r = new twilio.twiml.VoiceResponse();
    r.say({ language: 'he-IL' }, 'השאירו הודעה אחרי הצפצוף.');
    r.record({
      action: '/twilio/voice/voicemail?lang=he',
      maxLength: 120,
      transcribeCallback: '/twilio/voice/transcription?lang=he',
    });
    const step = nextStep(parseTwiml(r.toString()), turn(['9']));
    const recordingUrl = `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT}/Recordings/RE${'a'.repeat(32)}`;
    expect(step.lines).toEqual([
      '[he-IL] השאירו הודעה אחרי הצפצוף.',
      '(records a voicemail of up to 120 s, after a beep)',
      '(you leave a message of 7 s)',
    ]);
    expect(step.used).toBe(0);
    expect(step.next).toEqual({
      kind: 'request',
      url: '/twilio/voice/voicemail?lang=he',
      method: 'POST',
      fields: { RecordingUrl: recordingUrl, RecordingSid: `RE${'a'.repeat(32)}`, RecordingDuration: '7' },
    });
    expect(step.later).toEqual([
      {
        what: 'the transcription is ready',
        url: '/twilio/voice/transcription?lang=he',
        method: 'POST',
        fields: {
          TranscriptionSid: `TR${'a'.repeat(32)}`,
          TranscriptionText: TRANSCRIPTION_TEXT,
          TranscriptionStatus: 'completed',
          RecordingSid: `RE${'a'.repeat(32)}`,
          RecordingUrl: recordingUrl,
          CallSid: CALL,
        },
      },
    ]);
  });

  test('When a Hangup comes, then nothing after it is heard', () => {
    const r = new twilio.twiml.VoiceResponse();
    r.say('Goodbye.');
    r.hangup();
    r.say('Never heard.');
    const step = nextStep(parseTwiml(r.toString()), turn(['1']));
    expect(step.lines).toEqual(['[en-US] Goodbye.', '(the call ends)']);
    expect(step.next).toEqual({ kind: 'end', why: 'hangup' });
    expect(step.used).toBe(0);
  });

  test('When a verb the walker does not simulate comes, then it says so and the walk ends', () => {
    const r = new twilio.twiml.VoiceResponse();
    r.enqueue('support');
    expect(nextStep(parseTwiml(r.toString()), turn()).lines).toEqual([
      '(<Enqueue> is not simulated by this walker)',
      '(the call ends)',
    ]);
  });

  test('When a Reject answers, then the end names its reason', () => {
    const r = new twilio.twiml.VoiceResponse();
    r.reject({ reason: 'busy' });
    expect(nextStep(parseTwiml(r.toString()), turn()).next).toEqual({
      kind: 'end',
      why: 'rejected',
      rejected: 'busy',
    });
  });
});
