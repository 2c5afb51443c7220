/** The phone page's words, in English and Hebrew: a key missing (or extra) in one language fails to compile. */

/**
 * A phone number, URL or path inside Hebrew text, isolated left to right (Unicode's LRI … PDI), so
 * `+972501234567` is not shown as `972501234567+`.
 */
const ltr = (s: string) => `\u2066${s}\u2069`;

const en = {
  title: 'Phone',
  intro:
    'Sandbox only: text and call Orderly as any phone number. Each text and each step of a call goes to Orderly’s own Twilio webhooks, signed as Twilio signs it, so it is answered exactly as a real one would be.',
  doorOff:
    'Twilio is turned off here (TWILIO_ENABLED=false): nothing answers texts or calls, so there is nothing to try.',
  from: 'From (phone number)',
  fromHelp: 'In international form: + and the country code, for example +15551234567.',
  badFrom:
    'That is not a phone number in international form. Start with + and the country code, for example +15551234567.',
  // Texts
  textTitle: 'Text the desk',
  message: 'Message',
  messageHelp: 'What the customer texts, for example ORDER 2 MUG-BLUE, then CONFIRM; HELP lists the rest.',
  noMessage: 'Write a message to send.',
  longMessage: (max: number) => `A text is at most ${max} characters. Shorten the message.`,
  send: 'Send',
  conversation: (phone: string) => `Conversation with ${phone}`,
  noConversation: 'No texts with this number yet.',
  fromPhone: 'Phone',
  reply: 'Reply',
  texted: 'Text from Orderly',
  noReply: 'Orderly did not reply to this text (it answers some texts later, by a text of its own).',
  replied: (texts: number) =>
    texts === 0
      ? 'Sent. Orderly’s answer is below.'
      : `Sent. Orderly answered and sent ${texts} more text(s).`,
  refused: (status: number) => `Orderly’s SMS webhook answered HTTP ${status}; the text was not taken.`,
  // Calls
  callTitle: 'Call the desk',
  call: 'Call',
  callAgain: 'Call again',
  callFrom: (phone: string, sid: string) => `Call from ${phone} (${sid})`,
  heard: 'What happens on the call',
  keys: 'Keys to press',
  keysHelp: 'Digits, * and #; # ends an order number.',
  badKeys: 'Press digits, * or # only (at most 32).',
  press: 'Press',
  words: 'Words to say',
  wordsHelp: 'As the caller would say them, for example status, or two blue mugs and a tote.',
  badWords: 'Write what the caller says (at most 200 characters).',
  say: 'Say',
  silent: 'Stay silent',
  hangUp: 'Hang up',
  answerTitle: 'Answer',
  badCall: 'This call’s form was changed or is not one of this page’s: start a new call.',
  ended: 'The call has ended.',
  // What happens on a call
  listening: (what: string) => `Listening for ${what}…`,
  keypad: (digits?: number) =>
    digits ? `the keypad (${digits} key${digits === 1 ? '' : 's'})` : 'the keypad',
  speech: 'speech',
  or: ' or ',
  nothing: 'nothing',
  youPress: (keys: string) => `You press ${keys}`,
  youSay: (words: string) => `You say “${words}”`,
  youStaySilent: 'You stay silent',
  youHangUp: 'You hang up',
  plays: 'A recording plays',
  tones: (digits: string) => `Tones play: ${digits}`,
  pause: (s: number) => `A pause of ${s} s`,
  dial: (numbers: string, timeout: number) => `Ringing ${numbers}: no answer after ${timeout} s`,
  record: (max: number, seconds: number) =>
    `Recording a voicemail of up to ${max} s: you leave a message of ${seconds} s`,
  rejected: (reason: string) => `The call is rejected (${reason})`,
  unsupported: (name: string) => `<${name}> is not simulated here; the call stops`,
  callEnds: 'The call ends',
  timeout: (path: string, s: number) => `${path} did not answer within ${s} s (Twilio gives up then)`,
  httpError: (path: string, status: number) => `${path} answered HTTP ${status}`,
  signatureRefused:
    'The signature was refused: PUBLIC_URL must be this server’s own address (or unset in the sandbox).',
  contentType: (type: string) => `Content-Type is “${type}”; Twilio expects text/xml`,
  unreadable: (path: string, problem: string) => `Twilio could not read the TwiML from ${path}: ${problem}`,
  applicationError: 'Twilio says “We are sorry, an application error has occurred. Goodbye.” and hangs up',
  looping: (max: number) => `Stopped after ${max} requests: the TwiML seems to loop`,
  elsewhere: (url: string) => `Not followed: ${url} is not one of this server’s /twilio/voice paths`,
  callStatus: (status: string) => `Call ${status}: the status callback was taken`,
  later: (what: string): string =>
    what.includes('transcription') ? 'Later: the transcription is ready' : 'Later: the recording is ready',
  // Slack
  slackTitle: 'Slack posts',
  slackSince: 'What Orderly posted to Slack since the last action on this page.',
  slackLatest: 'The latest posts to Slack.',
  noSlack: 'Nothing posted to Slack since.',
  lookAgain: 'Look again',
};

export type PhoneWords = typeof en;

const he: PhoneWords = {
  title: 'טלפון',
  intro:
    'בארגז החול בלבד: שליחת הודעות ושיחות אל Orderly מכל מספר טלפון. כל הודעה וכל שלב בשיחה עוברים ב-webhooks של Twilio של Orderly עצמו, חתומים כפי ש-Twilio חותם, ולכן נענים בדיוק כמו הודעה או שיחה אמיתיות.',
  doorOff: 'Twilio כבוי כאן (TWILIO_ENABLED=false): אף אחד לא עונה להודעות או לשיחות, ולכן אין מה לנסות.',
  from: 'מאת (מספר טלפון)',
  fromHelp: `בפורמט בינלאומי: + וקידומת המדינה, למשל ${ltr('+972501234567')}.`,
  badFrom: `זה אינו מספר טלפון בפורמט בינלאומי. יש להתחיל ב-+ ובקידומת המדינה, למשל ${ltr('+972501234567')}.`,
  textTitle: 'הודעה לדלפק',
  message: 'הודעה',
  messageHelp:
    'מה שהלקוח שולח, למשל ORDER 2 MUG-BLUE ואחר כך CONFIRM, או הזמנה 2 ספלים כחולים; עזרה מציגה את השאר.',
  noMessage: 'יש לכתוב הודעה לשליחה.',
  longMessage: (max: number) => `הודעה יכולה להכיל עד ${max} תווים. יש לקצר אותה.`,
  send: 'שליחה',
  conversation: (phone: string) => `שיחת הודעות עם ${ltr(phone)}`,
  noConversation: 'עדיין אין הודעות עם המספר הזה.',
  fromPhone: 'טלפון',
  reply: 'תשובה',
  texted: 'הודעה מ-Orderly',
  noReply: 'Orderly לא השיב להודעה הזו (על חלק מההודעות הוא עונה מאוחר יותר, בהודעה משלו).',
  replied: (texts: number) =>
    texts === 0 ? 'נשלח. התשובה של Orderly מופיעה למטה.' : `נשלח. Orderly השיב ושלח עוד ${texts} הודעות.`,
  refused: (status: number) => `ה-webhook של ההודעות ב-Orderly השיב HTTP ${status}; ההודעה לא התקבלה.`,
  callTitle: 'שיחה לדלפק',
  call: 'חיוג',
  callAgain: 'חיוג נוסף',
  callFrom: (phone: string, sid: string) => `שיחה מ-${ltr(phone)} (${sid})`,
  heard: 'מה קורה בשיחה',
  keys: 'מקשים להקשה',
  keysHelp: 'ספרות, * ו-#; ‏# מסיים מספר הזמנה.',
  badKeys: 'יש להקיש רק ספרות, * או # (עד 32).',
  press: 'הקשה',
  words: 'מילים לומר',
  wordsHelp: 'כפי שהמתקשר היה אומר אותן, למשל סטטוס, או שני ספלים כחולים ותיק.',
  badWords: 'יש לכתוב מה המתקשר אומר (עד 200 תווים).',
  say: 'אמירה',
  silent: 'שתיקה',
  hangUp: 'ניתוק',
  answerTitle: 'תשובה',
  badCall: 'הטופס של השיחה הזו שונה או שאינו של הדף הזה: יש להתחיל שיחה חדשה.',
  ended: 'השיחה הסתיימה.',
  listening: (what: string) => `מאזין ל${what}…`,
  keypad: (digits?: number) => (digits ? `מקלדת (${digits === 1 ? 'מקש אחד' : `${digits} מקשים`})` : 'מקלדת'),
  speech: 'דיבור',
  or: ' או ל',
  nothing: 'כלום',
  youPress: (keys: string) => `הקשת ${keys}`,
  youSay: (words: string) => `אמרת "${words}"`,
  youStaySilent: 'שתקת',
  youHangUp: 'ניתקת',
  plays: 'מושמעת הקלטה',
  tones: (digits: string) => `מושמעים צלילים: ${digits}`,
  pause: (s: number) => `הפסקה של ${s} שניות`,
  dial: (numbers: string, timeout: number) => `מחייג אל ${ltr(numbers)}: אין מענה אחרי ${timeout} שניות`,
  record: (max: number, seconds: number) =>
    `הקלטת הודעה קולית של עד ${max} שניות: השארת הודעה של ${seconds} שניות`,
  rejected: (reason: string) => `השיחה נדחתה (${reason})`,
  unsupported: (name: string) => `‏<${name}> אינו מדומה כאן; השיחה נעצרת`,
  callEnds: 'השיחה מסתיימת',
  timeout: (path: string, s: number) => `${ltr(path)} לא ענה תוך ${s} שניות (ואז Twilio מוותר)`,
  httpError: (path: string, status: number) => `${ltr(path)} השיב HTTP ${status}`,
  signatureRefused: 'החתימה נדחתה: PUBLIC_URL חייב להיות הכתובת של השרת הזה עצמו (או לא מוגדר בארגז החול).',
  contentType: (type: string) => `ה-Content-Type הוא ${ltr(type)}; Twilio מצפה ל-text/xml`,
  unreadable: (path: string, problem: string) =>
    `Twilio לא הצליח לקרוא את ה-TwiML מ-${ltr(path)}: ${ltr(problem)}`,
  applicationError: `Twilio אומר ${ltr('"We are sorry, an application error has occurred. Goodbye."')} ומנתק`,
  looping: (max: number) => `נעצר אחרי ${max} בקשות: נראה שה-TwiML חוזר על עצמו`,
  elsewhere: (url: string) => `לא נעשה מעקב: ${ltr(url)} אינו אחד מנתיבי ${ltr('/twilio/voice')} של השרת הזה`,
  callStatus: (status: string) => `עדכון הסטטוס של השיחה התקבל (${status})`,
  later: (what: string): string =>
    what.includes('transcription') ? 'מאוחר יותר: התמלול מוכן' : 'מאוחר יותר: ההקלטה מוכנה',
  slackTitle: 'הודעות ב-Slack',
  slackSince: 'מה ש-Orderly פרסם ב-Slack מאז הפעולה האחרונה בדף הזה.',
  slackLatest: 'ההודעות האחרונות ב-Slack.',
  noSlack: 'לא פורסם דבר ב-Slack מאז.',
  lookAgain: 'בדיקה חוזרת',
};

export const WORDS: Record<'en' | 'he', PhoneWords> = { en, he };
