import { h, uid } from './dom.js';
import type { FieldValue } from './form.js';
import type { ElementAction, RenderContext } from './context.js';
import type { Element, OptionObject } from './kit.js';
import { fromWall, toWall } from './zone.js';

/**
 * One native control per Block Kit element type (native, so keyboard and screen reader work
 * as people expect): what it shows, the value a form submits, and the fields of the
 * block_actions it sends when used. Labels are attached by the caller (`id` is the control's).
 */
export interface Control {
  node: HTMLElement;
  /** What receives focus and what a `<label for>` points at. */
  focusable: HTMLElement;
  value(): FieldValue;
  action(): Omit<ElementAction, 'actionId' | 'blockId' | 'type'>;
  /** Calls back when the person changes the value (every keystroke for text). */
  onChange(cb: (committed: boolean) => void): void;
}

type Build = (el: Element, ctx: RenderContext, id: string) => Control;

const optionText = (o: OptionObject): string => o.text.text;
const allOptions = (el: Element): OptionObject[] => [
  ...(el.options ?? []),
  ...(el.option_groups ?? []).flatMap((g) => g.options),
];
const placeholder = (el: Element, fallback: string): string => el.placeholder?.text ?? fallback;

function optionNodes(el: Element, selected: Set<string>): HTMLElement[] {
  const opt = (o: OptionObject): HTMLOptionElement =>
    h('option', { value: o.value, selected: selected.has(o.value) }, optionText(o));
  if (el.option_groups)
    return el.option_groups.map((g) => h('optgroup', { label: g.label.text }, ...g.options.map(opt)));
  return (el.options ?? []).map(opt);
}

function selectControl(
  select: HTMLSelectElement,
  read: () => FieldValue,
  action: Control['action'],
): Control {
  return {
    node: select,
    focusable: select,
    value: read,
    action,
    onChange: (cb) => select.addEventListener('change', () => cb(true)),
  };
}

const staticSelect: Build = (el, _ctx, id) => {
  const initial = el.initial_option?.value;
  const select = h(
    'select',
    { id, className: 'select' },
    h('option', { value: '', selected: initial === undefined }, placeholder(el, 'Select an option')),
    optionNodes(el, new Set(initial ? [initial] : [])),
  );
  const chosen = (): OptionObject | undefined => allOptions(el).find((o) => o.value === select.value);
  return selectControl(
    select,
    () => select.value || null,
    () => {
      const o = chosen();
      return o ? { selectedOption: o.value } : {};
    },
  );
};

const multiStaticSelect: Build = (el, _ctx, id) => {
  const initial = new Set((el.initial_options ?? []).map((o) => o.value));
  const select = h('select', { id, className: 'select multi', multiple: true }, optionNodes(el, initial));
  select.size = Math.min(6, Math.max(3, allOptions(el).length));
  const picked = (): string[] => [...select.selectedOptions].map((o) => o.value);
  return selectControl(select, picked, () => ({ selectedOptions: picked() }));
};

function idSelect(
  list: readonly { id: string; name: string }[],
  prefix: string,
  key: 'selectedUser' | 'value',
): Build {
  return (el, _ctx, id) => {
    const initial = el.initial_user ?? el.initial_conversation ?? el.initial_channel;
    const select = h(
      'select',
      { id, className: 'select' },
      h('option', { value: '', selected: !initial }, placeholder(el, 'Select…')),
      ...list.map((p) => h('option', { value: p.id, selected: p.id === initial }, `${prefix}${p.name}`)),
    );
    return selectControl(
      select,
      () => select.value || null,
      () => (select.value ? { [key]: select.value } : {}),
    );
  };
}

const usersSelect: Build = (el, ctx, id) => idSelect(ctx.people, '', 'selectedUser')(el, ctx, id);
const conversationsSelect: Build = (el, ctx, id) => idSelect(ctx.channels, '#', 'value')(el, ctx, id);

const multiUsersSelect: Build = (el, ctx, id) => {
  const initial = new Set(el.initial_users ?? []);
  const select = h(
    'select',
    { id, className: 'select multi', multiple: true, size: Math.min(6, Math.max(3, ctx.people.length)) },
    ...ctx.people.map((p) => h('option', { value: p.id, selected: initial.has(p.id) }, p.name)),
  );
  const picked = (): string[] => [...select.selectedOptions].map((o) => o.value);
  return selectControl(select, picked, () => ({ selectedUsers: picked() }));
};

function textControl(
  input: HTMLInputElement | HTMLTextAreaElement,
  extra?: (v: string) => FieldValue,
): Control {
  return {
    node: input,
    focusable: input,
    value: () => (extra ? extra(input.value) : input.value === '' ? null : input.value),
    action: () => ({ value: input.value }),
    onChange: (cb) => {
      input.addEventListener('input', () => cb(false));
      input.addEventListener('keydown', (e) => {
        if ((e as KeyboardEvent).key === 'Enter' && input instanceof HTMLInputElement) {
          e.preventDefault();
          cb(true);
        }
      });
    },
  };
}

const plainTextInput: Build = (el, _ctx, id) => {
  const attrs = {
    id,
    className: 'text-input',
    placeholder: el.placeholder?.text,
    maxlength: el.max_length,
  };
  const input = el.multiline ? h('textarea', { ...attrs, rows: 4 }) : h('input', { ...attrs, type: 'text' });
  input.value = el.initial_value ?? '';
  if (el.focus_on_load) input.setAttribute('autofocus', '');
  return textControl(input);
};

const typedInput =
  (type: 'url' | 'email'): Build =>
  (el, _ctx, id) => {
    const input = h('input', {
      id,
      type,
      className: 'text-input',
      placeholder: el.placeholder?.text,
      maxlength: el.max_length,
    });
    input.value = el.initial_value ?? '';
    return textControl(input);
  };

const numberInput: Build = (el, _ctx, id) => {
  // type=text with inputmode: a native number field swallows what it cannot parse, and the
  // person should see Slack's own message for it instead.
  const input = h('input', {
    id,
    type: 'text',
    inputmode: el.is_decimal_allowed ? 'decimal' : 'numeric',
    className: 'text-input number',
    placeholder: el.placeholder?.text,
    maxlength: el.max_length,
  });
  input.value = el.initial_value ?? '';
  return textControl(input);
};

const datePicker: Build = (el, _ctx, id) => {
  const input = h('input', { id, type: 'date', className: 'text-input date' });
  input.value = el.initial_date ?? '';
  return {
    ...textControl(input),
    action: () => ({ selectedDate: input.value }),
    onChange: (cb) => input.addEventListener('change', () => cb(true)),
  };
};

const timePicker: Build = (el, _ctx, id) => {
  const input = h('input', { id, type: 'time', className: 'text-input time' });
  input.value = el.initial_time ?? '';
  return {
    ...textControl(input),
    action: () => ({ selectedTime: input.value }),
    onChange: (cb) => input.addEventListener('change', () => cb(true)),
  };
};

const dateTimePicker: Build = (el, ctx, id) => {
  const input = h('input', { id, type: 'datetime-local', className: 'text-input datetime' });
  if (el.initial_date_time !== undefined) input.value = toWall(el.initial_date_time, ctx.tz);
  const seconds = (): number | null => (input.value ? fromWall(input.value, ctx.tz) : null);
  return {
    node: h('span', { className: 'datetime-wrap' }, input, h('span', { className: 'zone-note' }, ctx.tz)),
    focusable: input,
    value: seconds,
    action: () => {
      const s = seconds();
      return s === null ? {} : { selectedDateTime: s };
    },
    onChange: (cb) => input.addEventListener('change', () => cb(true)),
  };
};

function choiceGroup(kind: 'checkbox' | 'radio'): Build {
  return (el, _ctx, id) => {
    const initial = new Set(
      kind === 'radio'
        ? el.initial_option
          ? [el.initial_option.value]
          : []
        : (el.initial_options ?? []).map((o) => o.value),
    );
    const name = uid('choice');
    const inputs: HTMLInputElement[] = [];
    const rows = (el.options ?? []).map((o) => {
      const input = h('input', {
        type: kind,
        name,
        value: o.value,
        checked: initial.has(o.value),
        id: uid('opt'),
      });
      inputs.push(input);
      return h(
        'div',
        { className: 'choice' },
        input,
        h(
          'label',
          { for: input.id },
          o.text.text,
          o.description ? h('span', { className: 'choice-desc' }, o.description.text) : null,
        ),
      );
    });
    const group = h(
      'div',
      { id, role: kind === 'radio' ? 'radiogroup' : 'group', className: 'choices', tabindex: '-1' },
      ...rows,
    );
    const picked = (): string[] => inputs.filter((i) => i.checked).map((i) => i.value);
    return {
      node: group,
      focusable: inputs[0] ?? group,
      value: () => (kind === 'radio' ? (picked()[0] ?? null) : picked()),
      action: () => {
        const values = picked();
        if (kind !== 'radio') return { selectedOptions: values };
        return values[0] === undefined ? {} : { selectedOption: values[0] };
      },
      onChange: (cb) => group.addEventListener('change', () => cb(true)),
    };
  };
}

/** Every selectable or typeable element the page renders. */
export const CONTROLS: Readonly<Record<string, Build>> = {
  static_select: staticSelect,
  external_select: staticSelect,
  multi_static_select: multiStaticSelect,
  multi_external_select: multiStaticSelect,
  users_select: usersSelect,
  multi_users_select: multiUsersSelect,
  conversations_select: conversationsSelect,
  channels_select: conversationsSelect,
  plain_text_input: plainTextInput,
  url_text_input: typedInput('url'),
  email_text_input: typedInput('email'),
  number_input: numberInput,
  datepicker: datePicker,
  timepicker: timePicker,
  datetimepicker: dateTimePicker,
  checkboxes: choiceGroup('checkbox'),
  radio_buttons: choiceGroup('radio'),
};
